"""A module with no quiz that a requirement asks for again (its completion expired, or a material policy change
reopened it) counts only the scenarios worked through since that round began: the scenarios show no "Done" tag,
no choice and no feedback from the round before, and the module is completed again only when every scenario has been
worked through again. The round begins when the completion the status row holds was made, or when the material
change reopened the module, whichever is later (the moment the "Due soon" or "Overdue" state comes from)."""

import datetime
import re

import pytest
from django.utils import timezone
from wagtail.blocks import StreamValue

from modules.models import ModuleCompletion, ReviewFlag
from modules.review import review_flags_resolve
from portal.compliance.models import Requirement, RequirementStatus
from portal.compliance.projection import refresh
from tests import factories
from tests.modules.test_module_state_agrees import answer_scenario, pass_the_quiz
from tests.modules.test_reopen_modules import _publish_v2


@pytest.fixture
def staff(person):
    return factories.make_staff(user=person)


def _at(days_ago: int, monkeypatch, then_do) -> None:
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    then_do()
    monkeypatch.undo()


def _work_through(client, module, blocks=None):
    for block in blocks if blocks is not None else module.scenario_blocks():
        answer_scenario(client, module, block.id)


def _page(client, module) -> dict:
    html = client.get(module.url).content.decode()
    cards = re.findall(r'<section class="nhsuk-card portal-scenario" id="scenario-([^"]+)"(.*?)</section>', html, re.S)
    done = {block_id for block_id, card in cards if re.search(r"data-scenario-label>[^<]*<strong[^>]*>Done<", card)}
    return {
        "tag": re.search(r'id="module-status">([^<]+)<', html).group(1),
        "summary": re.search(r'id="module-summary">([^<]+)<', html).group(1),
        "done": done,
        "scenarios": [block_id for block_id, _ in cards],
        "checked": len(re.findall(r'name="option" type="radio" value="\d+" checked', html)),
        "feedback": html.count("Feedback on your choice"),
    }


def _reopened_and_confirmed(policy, module, person_client) -> dict:
    """Version 2 reopens the module (it teaches 6.2 and 9); the change holds both its scenarios back for review and
    an editor confirms them unchanged. The module page as the person then sees it."""
    _, revision, _ = _publish_v2(policy, reopen=True, section="9")
    revision.publish()
    review_flags_resolve(flags=ReviewFlag.objects.filter(page=module), user=None, resolution="confirmed")
    return _page(person_client, module)


def _completions(person, module) -> int:
    return ModuleCompletion.objects.filter(user=person, page=module).count()


@pytest.fixture
def quizless(policy, staff):
    module = factories.make_module(policy=policy, scenarios=2, with_quiz=False)
    requirement = factories.make_requirement(
        name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module, renewal_months=12
    )
    refresh(staff_ids=[staff.pk])
    return module, requirement


def test_an_expired_module_shows_no_scenario_as_done_until_it_is_worked_through_again(
    person, person_client, staff, quizless, monkeypatch
):
    module, requirement = quizless
    first, second = module.scenario_blocks()
    _at(400, monkeypatch, lambda: _work_through(person_client, module))

    page = _page(person_client, module)
    assert page["tag"] == "Overdue"
    assert "(0 of 2 scenarios worked through again)" in page["summary"]
    assert page["done"] == set()  # the last round's answers do not count, so nothing reads as done
    assert (page["checked"], page["feedback"]) == (0, 0)  # nor is last round's choice or its feedback shown

    answer_scenario(person_client, module, first.id)
    page = _page(person_client, module)
    assert page["done"] == {first.id}
    assert (page["checked"], page["feedback"]) == (1, 1)
    assert "(1 of 2 scenarios worked through again)" in page["summary"]
    assert _completions(person, module) == 1

    answer_scenario(person_client, module, second.id)
    assert _completions(person, module) == 2
    assert RequirementStatus.objects.get(staff=staff, requirement=requirement).completed_on == timezone.localdate()
    page = _page(person_client, module)
    assert (page["tag"], page["summary"], page["done"]) == (
        "Completed",
        "2 of 2 scenarios worked through.",
        {
            first.id,
            second.id,
        },
    )


def test_a_wrong_choice_this_round_does_not_read_as_done(person, person_client, staff, quizless, monkeypatch):
    module, _ = quizless
    first, second = module.scenario_blocks()
    _at(400, monkeypatch, lambda: _work_through(person_client, module))

    answer_scenario(person_client, module, first.id, option=0)  # not what the policy expects
    answer_scenario(person_client, module, second.id)

    page = _page(person_client, module)
    assert page["done"] == {second.id}
    assert page["tag"] == "Overdue" and "(1 of 2 scenarios worked through again)" in page["summary"]
    assert _completions(person, module) == 1


def test_answers_given_before_a_material_change_reopened_the_module_do_not_count_after_it(
    person, person_client, staff, policy, monkeypatch
):
    """Sam completed the module, then looked at the first scenario again before the policy changed: the change asks
    for the module again, so that answer is from before the round and the module is not completed by the second
    scenario alone."""
    module = factories.make_module(policy=policy, scenarios=2, with_quiz=False)
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module)
    refresh(staff_ids=[staff.pk])
    first, second = module.scenario_blocks()
    _at(30, monkeypatch, lambda: _work_through(person_client, module))
    _at(10, monkeypatch, lambda: answer_scenario(person_client, module, first.id))
    assert _completions(person, module) == 1

    page = _reopened_and_confirmed(policy, module, person_client)
    assert page["tag"] == "Due soon"
    assert "(0 of 2 scenarios worked through again)" in page["summary"]
    assert page["done"] == set()

    answer_scenario(person_client, module, second.id)
    assert _completions(person, module) == 1
    assert _page(person_client, module)["done"] == {second.id}

    answer_scenario(person_client, module, first.id)
    assert _completions(person, module) == 2
    assert _page(person_client, module)["tag"] == "Completed"


def test_a_module_completed_that_morning_is_reopened_by_a_material_change_published_later_that_day(
    person, person_client, staff, policy, monkeypatch
):
    """Worked through at the start of the day, the first scenario looked at again a second later, both on the old
    teaching: the change published since asks for the module again, on its page as in the status (a round compares
    moments, not days), so neither answer counts after it."""
    module = factories.make_module(policy=policy, scenarios=2, with_quiz=False)
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module)
    refresh(staff_ids=[staff.pk])
    first = module.scenario_blocks()[0]
    this_morning = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: this_morning)
    _work_through(person_client, module)
    monkeypatch.setattr(timezone, "now", lambda: this_morning + datetime.timedelta(seconds=1))
    answer_scenario(person_client, module, first.id)
    monkeypatch.undo()
    assert _completions(person, module) == 1

    page = _reopened_and_confirmed(policy, module, person_client)
    assert page["tag"] == "Due soon"
    assert "(0 of 2 scenarios worked through again)" in page["summary"]
    assert page["done"] == set()

    _work_through(person_client, module)
    assert _completions(person, module) == 2
    assert _page(person_client, module)["tag"] == "Completed"


@pytest.mark.parametrize(("days_ago", "before"), [(400, "Overdue"), (30, "Completed")])
def test_a_module_whose_quiz_was_taken_out_is_completed_again_by_working_through_its_scenarios_again(
    person, person_client, staff, policy, monkeypatch, days_ago, before
):
    """The completion from when the module had a quiz (it names the passing attempt) is the last completion: the
    scenarios are worked through again after it, every one of them, to complete the module again."""
    module = factories.make_module(policy=policy, scenarios=2)
    factories.make_requirement(
        name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module, renewal_months=12
    )
    refresh(staff_ids=[staff.pk])

    def everything():
        _work_through(person_client, module)
        pass_the_quiz(person_client, person, module)

    _at(days_ago, monkeypatch, everything)
    raw = [block for block in module.body.raw_data if block["type"] != "quiz"]
    module.body = StreamValue(module.body.stream_block, raw, is_lazy=True)  # the scenarios keep their ids
    module.save_revision().publish()
    first, second = module.scenario_blocks()
    assert _page(person_client, module)["tag"] == before

    answer_scenario(person_client, module, first.id)
    assert _completions(person, module) == 1
    answer_scenario(person_client, module, second.id)
    assert _completions(person, module) == 2
    assert _page(person_client, module)["tag"] == "Completed"


def test_a_module_with_a_quiz_keeps_its_scenarios_done_when_due_again(
    person, person_client, staff, policy, monkeypatch
):
    """Passing the quiz again is what renews it, so the scenarios worked through before still read as done."""
    module = factories.make_module(policy=policy, scenarios=2)
    factories.make_requirement(
        name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module, renewal_months=12
    )
    refresh(staff_ids=[staff.pk])
    _at(400, monkeypatch, lambda: (_work_through(person_client, module), pass_the_quiz(person_client, person, module)))

    page = _page(person_client, module)
    assert page["tag"] == "Overdue"
    assert page["done"] == {block.id for block in module.scenario_blocks()}


def test_the_module_page_of_a_quizless_module_due_again_runs_its_pinned_queries(
    person, person_client, staff, quizless, monkeypatch, django_assert_num_queries
):
    """The status rows' completion times and reopening rounds are read with the answers (one UNION): the module
    page's pinned queries (tests/modules/test_query_budget.py) hold for a module due again, less the quiz (the 12th)
    this module has none of."""
    module, _ = quizless
    _at(400, monkeypatch, lambda: _work_through(person_client, module))
    answer_scenario(person_client, module, module.scenario_blocks()[0].id)
    person_client.get(module.url)  # Wagtail caches the site's root paths after the first page
    with django_assert_num_queries(11):
        html = person_client.get(module.url).content.decode()
    assert "(1 of 2 scenarios worked through again)" in html
