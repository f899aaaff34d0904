"""A policy's new version with a material change opens a re-attestation round: from that day, everyone who has not
attested to it again needs action, so the manager's team page shows them as "Due soon" with the deadline and in the
list to chase, not "Compliant", although the deadline is further off than the due-soon window; whoever has attested
again is "Compliant". Their own My training says the same, and so do reports as at a day inside the round, on both
clocks. The figures still count the older attestation as in date."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance import projection
from portal.compliance.asat import Moment
from portal.compliance.models import EvidenceEntry, ReattestationRound, Requirement, RequirementStatus
from portal.compliance.services import attestation_record, reattestation_round_open
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.exports import export_rows
from portal.reports.team import team_matrix
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for

# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
TODAY = DEADLINE = YESTERDAY = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global TODAY, DEADLINE, YESTERDAY
    TODAY = timezone.localdate()
    DEADLINE = TODAY + datetime.timedelta(days=60 - OPENED_DAYS_AGO)  # 60 days from the day the round opened
    YESTERDAY = TODAY - datetime.timedelta(days=1)


OPENED_DAYS_AGO = 10


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def round_open(org, home_page):
    """Sam and Grace attested to version 1 of the social media policy 100 days ago; version 2, a material change, went
    live ten days ago with a 60-day deadline; Grace has attested to it since, today; Sam has not."""
    policy = factories.make_policy(parent=home_page, title="Social media policy")
    requirement = factories.make_requirement(
        name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy, renewal_months=12
    )
    first = factories.make_snapshot(policy, "1", "Think before you post.")
    for member in (org["sam"], org["manager"]):
        factories.make_completion(
            member,
            requirement,
            source=EvidenceEntry.ATTESTATION,
            snapshot=first,
            completed_at=timezone.now() - datetime.timedelta(days=100),
        )
    second = factories.make_snapshot(policy, "2", "Never post about patients.")
    reattestation_round_open(snapshot=second, deadline=DEADLINE, reason="Section 3 now forbids it outright.")
    opened = timezone.now() - datetime.timedelta(days=OPENED_DAYS_AGO)
    with as_owner():  # a round is never changed once opened: only the owner may (roles.FROZEN_TABLES)
        ReattestationRound.objects.filter(requirement=requirement).update(opened_at=opened)
    projection.refresh()  # as if opened then: the rows and the runs
    attestation_record(staff=org["manager"], snapshot=second, user=org["manager"].user)
    return requirement


def _cells(matrix, requirement) -> dict[str, tuple]:
    column = [r.pk for r in matrix.requirements].index(requirement.pk)
    return {person.full_name: (cells[column].label, cells[column].due_on) for person, cells in matrix.people}


def _chased(matrix, requirement) -> dict[str, list[str]]:
    return {
        owed.person.full_name: [item.label for item in owed.items if item.requirement.pk == requirement.pk]
        for owed in matrix.chase
    }


def test_the_team_page_shows_who_has_not_attested_again_as_due_soon_with_the_deadline(org, round_open):
    response = client_for(org["manager"]).get(reverse("reports:team"))
    matrix = response.context["matrix"]

    cells = _cells(matrix, round_open)
    assert cells["Sam Digital"] == ("Due soon", DEADLINE)
    assert cells["Grace Manager"][0] == "Compliant"
    assert _chased(matrix, round_open)["Sam Digital"] == ["Due soon"]
    assert _chased(matrix, round_open).get("Grace Manager", []) == []
    assert f"Social media policy, expires {DEADLINE.day} {DEADLINE:%B %Y}" in _text(response)
    figure = next(f.figure for f in matrix.figures if f.requirement.pk == round_open.pk)
    assert (figure.compliant, figure.required) == (2, 2)  # Sam's attestation is still in date


def test_my_training_says_due_soon_too(org, round_open):
    response = client_for(org["sam"]).get(reverse("reports:my_training"))
    (line,) = [line for line in response.context["lines"] if line.requirement.pk == round_open.pk]
    assert (line.label, line.when) == ("Due soon", ("Expires", DEADLINE))
    assert line.action is not None and line.action.text == "Read and attest"

    response = client_for(org["manager"]).get(reverse("reports:my_training"))
    (line,) = [line for line in response.context["lines"] if line.requirement.pk == round_open.pk]
    assert line.label == "Compliant"


def test_the_team_page_as_it_was_on_a_day_inside_the_round_agrees(org, round_open):
    client = client_for(org["manager"])
    matrix = client.get(reverse("reports:team"), {"as_at": YESTERDAY, "basis": AS_IT_WAS}).context["matrix"]
    assert _cells(matrix, round_open)["Sam Digital"] == ("Due soon", DEADLINE)
    assert _chased(matrix, round_open)["Sam Digital"] == ["Due soon"]
    # Grace attested again only today: the day before, she too was still to do it.
    assert _cells(matrix, round_open)["Grace Manager"] == ("Due soon", DEADLINE)

    before = TODAY - datetime.timedelta(days=OPENED_DAYS_AGO + 1)  # the day before the round opened
    matrix = client.get(reverse("reports:team"), {"as_at": before, "basis": AS_IT_WAS}).context["matrix"]
    assert _cells(matrix, round_open)["Sam Digital"][0] == "Compliant"


def test_as_recorded_then_agrees(org, round_open):
    """Read from the ledger and the roster as recorded by a moment (now: everything here was recorded today)."""
    matrix = team_matrix([org["comms"]], Moment.now(), basis=AS_RECORDED)
    cells = _cells(matrix, round_open)
    assert cells["Sam Digital"] == ("Due soon", DEADLINE)
    assert cells["Grace Manager"][0] == "Compliant"
    assert _chased(matrix, round_open)["Sam Digital"] == ["Due soon"]


def test_the_status_row_keeps_the_day_the_round_asked(org, round_open):
    sam = RequirementStatus.objects.get(staff=org["sam"], requirement=round_open)
    grace = RequirementStatus.objects.get(staff=org["manager"], requirement=round_open)
    assert (sam.renew_from, sam.due_on) == (TODAY - datetime.timedelta(days=OPENED_DAYS_AGO), DEADLINE)
    assert grace.renew_from is None


@pytest.mark.parametrize("moment", [None, "now"])
def test_the_export_says_due_soon_too(org, round_open, moment):
    """Live (from the status rows) and as recorded now (from the ledger)."""
    rows = export_rows([org["comms"]], Moment.now() if moment else None)
    states = {row.name: (row.status, row.due_on) for row in rows if row.requirement == "Social media policy"}
    assert states["Sam Digital"] == ("Due soon", DEADLINE)
    assert states["Grace Manager"][0] == "Compliant"


def test_the_managers_weekly_list_names_who_has_not_attested_again(org, round_open):
    """The deadline is further off than the due-soon window, so the round's people have a section of their own."""
    from portal.compliance.reminders import digests_due

    (digest,) = [m for m in digests_due(TODAY) if m.staff == org["manager"]]
    section = digest.body.split("To do again after a policy change:")[1].split("You can see everyone")[0]
    assert "Sam Digital" in section and f"Social media policy, due {DEADLINE.day} {DEADLINE:%B %Y}" in section
    assert digest.body.count("Social media policy") == 1  # in that section only, not under "Due in the next 30 days"
