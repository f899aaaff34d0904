"""The page for one evidence pack says what the pack holds, as its cover does: the teams it covers and the filters
of the organisation report it was made from (a requirement, a staff group), or that it holds everyone. Naming the
requirement costs one query, whatever the pack (its name as it stood on the pack's day, as the pack names it), and the
pack stays its requester's alone."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.reports.basis import AS_IT_WAS
from portal.reports.models import EvidencePack
from tests.reports.conftest import client_for

NURSES = "Nursing and Midwifery Registered"


def _pack(org, hr, **filters) -> EvidencePack:
    """A pack HR asked for, ready, as `pack_new` writes it (the page reads only the row)."""
    return EvidencePack.objects.create(
        team=org["comms"],
        as_at=timezone.localdate(),
        cutoff=timezone.now(),
        basis=AS_IT_WAS,
        requested_by=hr.user,
        status=EvidencePack.DONE,
        people_total=2,
        finished_at=timezone.now(),
        **filters,
    )


def _summary(client, pack) -> str:
    response = client.get(reverse("exports:pack_detail", args=[pack.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<dl class="nhsuk-summary-list">') : html.index("</dl>")]


def _row(summary: str, key: str) -> str:
    """The value beside `key` in the summary list."""
    after = summary.split(f'<dt class="nhsuk-summary-list__key">{key}</dt>')[1]
    return after.split('<dd class="nhsuk-summary-list__value">')[1].split("</dd>")[0]


def test_a_pack_made_from_a_filtered_report_names_its_requirement_and_staff_group(org, hr):
    requirement = org["sam"].statuses.get().requirement
    summary = _summary(client_for(hr), _pack(org, hr, requirement=requirement, staff_group=NURSES))
    assert _row(summary, "Scope") == "Communications and every team below it"
    filtered = _row(summary, "Filtered to")
    assert filtered.startswith(f"Requirement: Safeguarding Adults Level 1<br>Staff group: {NURSES}")
    assert "Only these rows and people are in the pack and its spreadsheet." in filtered
    assert "everyone" not in filtered


def test_a_pack_filtered_to_a_staff_group_alone_names_only_that(org, hr):
    filtered = _row(_summary(client_for(hr), _pack(org, hr, staff_group=NURSES)), "Filtered to")
    assert filtered.startswith(f"Staff group: {NURSES}<p") and "Requirement" not in filtered


def test_a_pack_with_no_filters_says_it_holds_everyone(org, hr):
    filtered = _row(_summary(client_for(hr), _pack(org, hr)), "Filtered to")
    assert filtered == "Nothing: the pack holds everyone in these teams, for every requirement"


@pytest.mark.parametrize("filtered", [False, True], ids=["everyone", "filtered"])
def test_naming_the_filters_costs_at_most_one_query(org, hr, filtered, django_assert_num_queries):
    requirement = org["sam"].statuses.get().requirement
    pack = _pack(org, hr, **({"requirement": requirement, "staff_group": NURSES} if filtered else {}))
    client = client_for(hr)
    # session, user, the pack with its team and requirement (one join each), whether they are HR, the teams they may
    # report on (to check the pack's is still one); narrowed to a requirement, its terms as they stood on the pack's
    # day (8ade194: the page names it as the pack does)
    with django_assert_num_queries(6 if filtered else 5):
        assert client.get(reverse("exports:pack_detail", args=[pack.pk])).status_code == 200


def test_only_whoever_asked_for_the_pack_sees_its_filters(org, hr):
    requirement = org["sam"].statuses.get().requirement
    pack = _pack(org, hr, requirement=requirement, staff_group=NURSES)
    url = reverse("exports:pack_detail", args=[pack.pk])
    for outsider in (org["manager"], org["sam"], org["other"]):  # Comms' own manager did not ask for it either
        response = client_for(outsider).get(url)
        assert response.status_code == 404 and NURSES not in response.content.decode()
