"""Scenario options are shown in an order of each person's own, the same on every visit, as quiz choices are."""

import re
from collections import Counter
from itertools import count

from django.urls import reverse

from modules.blocks import option_order
from modules.models import ScenarioResponse
from tests import factories

RADIO = re.compile(
    r'id="scenario-(?P<block>[^"]+)-option-(?P<position>\d)" name="option" type="radio" value="(?P<index>\d)"[^>]*>\s*'
    r"<label[^>]*>(?P<text>[^<]+)</label>"
)


def shown(html: str, block_id: str) -> list[tuple[int, str]]:
    """(index posted, label) of each option of one scenario, in the order the page shows them."""
    return [(int(m["index"]), m["text"]) for m in RADIO.finditer(html) if m["block"] == block_id]


def test_the_order_is_every_option_once_the_same_each_time_and_differs_between_people():
    assert sorted(option_order(4, person=7, block_id="abc")) == [0, 1, 2, 3]
    assert option_order(4, person=7, block_id="abc") == option_order(4, person=7, block_id="abc")
    orders = Counter(tuple(option_order(3, person=n, block_id="abc")) for n in range(600))
    assert len(orders) == 6  # every arrangement of three options turns up
    assert min(orders.values()) > 50  # and none is rare
    # The same person sees different scenarios in different arrangements too.
    assert len({tuple(option_order(3, person=7, block_id=f"b{n}")) for n in range(50)}) > 1


def test_the_page_shows_the_persons_order_posting_the_option_as_stored(person, person_client, module_page):
    block = module_page.scenario_blocks()[0].id
    html = person_client.get(module_page.url).content.decode()
    options = shown(html, block)
    order = option_order(3, person=person.pk, block_id=block)
    assert options == [(index, f"Option {index + 1}") for index in order]
    # The first option on the page is the one recorded when chosen, whatever its stored position.
    index, text = options[0]
    person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, block]), {"option": str(index)})
    response = ScenarioResponse.objects.get(user=person)
    assert (response.option_index, response.option_text) == (index, text)
    again = person_client.get(module_page.url).content.decode()
    assert shown(again, block) == options  # a reload does not reorder
    assert re.search(rf'value="{index}" checked', again)


def test_other_people_see_their_own_order(client, person, module_page):
    block = module_page.scenario_blocks()[0].id
    mine = option_order(3, person=person.pk, block_id=block)
    numbers = count()
    other = next(
        user
        for user in (factories.make_user(email=f"other{next(numbers)}@example.nhs.uk") for _ in range(30))
        if option_order(3, person=user.pk, block_id=block) != mine
    )
    factories.sign_in(client, other)
    html = client.get(module_page.url).content.decode()
    assert [index for index, _ in shown(html, block)] == option_order(3, person=other.pk, block_id=block) != mine


def test_the_editors_preview_keeps_the_order_as_written():
    from modules.blocks import ScenarioBlock

    block = ScenarioBlock()
    value = block.to_python(factories.scenario_value())
    html = block.render(value, context={"policy": None})
    assert [text for _, text in re.findall(r'value="(\d)"[^>]*>\s*<label[^>]*>([^<]+)</label>', html)] == [
        "Option 1",
        "Option 2",
        "Option 3",
    ]
