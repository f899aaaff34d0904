"""Someone who left and was later taken on again (a roster gave them a leave date, then a later roster a new start
date and none) was employed in both periods: every report "as it was" about a day in either shows them, as they
stood that day, and about a day between the two shows them as gone. Brought in through the roster import of an ESR
staff list, under the same post and under a new one; the completions of their first period stay facts, and count
in the second as the requirement's renewal rules say, as a new starter's from a previous post do."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.compliance import status
from portal.compliance.asat import Moment
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.intervals import intervals_rebuild
from portal.compliance.models import CompetenceMapping, RequirementStatus, StatusInterval
from portal.lib.csvfiles import show_date
from portal.people.models import StaffMember, TeamManager
from portal.people.roles import hr_group
from portal.reports.basis import AS_IT_WAS
from portal.reports.exports import export_rows, export_rows_known
from portal.reports.organisation import organisation_report
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)


def _started():
    # the first period: STARTED to LEFT
    return timezone.localdate() - datetime.timedelta(days=800)


def _left():
    return timezone.localdate() - datetime.timedelta(days=500)


def returned():
    # the second: from RETURNED on
    return timezone.localdate() - datetime.timedelta(days=100)


def _done():
    # both courses, in the first period
    return _started() + datetime.timedelta(days=10)


def _first():
    return _started() + datetime.timedelta(days=30)


def _between():
    return _left() + datetime.timedelta(days=100)


def _second():
    return returned() + datetime.timedelta(days=10)


YEARLY, THREE_YEARLY = "Information Governance", "Fire Safety"
COURSES = {YEARLY: "NHS|CSTF|Information Governance - 1 Year|", THREE_YEARLY: "NHS|CSTF|Fire Safety - 3 Years|"}
NAME = "Sam Taylor"


@pytest.fixture
def teams(db):
    organisation = factories.make_team("NHS Example Trust", kind="organisation")
    return {
        "org": organisation,
        "comms": factories.make_team("Communications", parent=organisation),
        "finance": factories.make_team("Finance", parent=organisation),
    }


@pytest.fixture
def trust(teams):
    for name, months in ((YEARLY, 12), (THREE_YEARLY, 36)):
        requirement = factories.make_requirement(name=name, renewal_months=months, new_starter_days=28)
        CompetenceMapping.objects.create(competence_name=COURSES[name], requirement=requirement)
    return teams


def _roster(teams, assignment="10000005-1", team="comms", start=None, leave=None):
    start = start or _started()
    leave = show_date(leave) if leave else "31/12/4712"
    row = esr_row("10000005", assignment, code=teams[team].code, start=show_date(start), leave=leave)
    upload_and_apply(esr_file(row))


def _completions(*rows):
    data = ("\r\n".join(["Employee Number,Competence Name,Achievement Date", *rows]) + "\r\n").encode()
    batch, plan = import_batch_create(kind="completions", data=data, filename="olm.csv", user=None)
    assert plan.can_apply, plan.errors
    import_batch_apply(batch=batch, user=None, background=False)


@pytest.fixture(params=["10000005-1", "10000005-2"], ids=["same post", "new post"])
def rehired(request, trust):
    """Sam started in Communications, did both courses, left, and was taken on again in Finance: each step a roster
    file applied (the second period under the same post, or a new one)."""
    _roster(trust)
    _completions(*(f"10000005,{course},{show_date(_done())}" for course in COURSES.values()))
    _roster(trust, leave=_left())
    _roster(trust, assignment=request.param, team="finance", start=returned())
    sam = StaffMember.objects.get(employee_number="10000005")
    assert (sam.start_date, sam.leave_date, sam.team) == (returned(), None, trust["finance"])
    return sam


@pytest.fixture
def hr_client():
    user = factories.make_user()
    user.groups.add(hr_group())
    return factories.sign_in(Client(), factories.with_mfa(user))


def _team_page(client, team, day) -> dict[str, tuple[str, dict[str, str]]]:
    """Who the team page as it was on `day` lists: their team then and their state on each requirement."""
    response = client.get(reverse("reports:team"), {"team": team.pk, "as_at": day.isoformat(), "basis": AS_IT_WAS})
    assert response.status_code == 200
    matrix = response.context["matrix"]
    return {
        person.full_name: (person.team_name, {cell.requirement.name: cell.state for cell in cells})
        for person, cells in matrix.people
    }


def _csv(client, team, day) -> dict[str, tuple[str, str]]:
    """The CSV as it was on `day`: (team, status) for each requirement of Sam's."""
    params = {"team": team.pk, "as_at": day.isoformat(), "basis": AS_IT_WAS}
    response = client.get(reverse("exports:csv"), params)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return {row["Requirement"]: (row["Team"], row["Status"]) for row in rows if row["Name"] == NAME}


def _figures(team, day) -> tuple[int, int]:
    today = timezone.localdate()
    overall = organisation_report(team, as_at=day, today=today, basis=AS_IT_WAS).overall
    return overall.required, overall.compliant


def test_a_day_in_the_first_period_shows_them_employed_as_they_stood(rehired, trust, hr_client):
    page = _team_page(hr_client, trust["org"], _first())
    assert page[NAME] == ("Communications", {YEARLY: status.COMPLIANT, THREE_YEARLY: status.COMPLIANT})
    assert _csv(hr_client, trust["org"], _first()) == {
        YEARLY: ("Communications", "Compliant"),
        THREE_YEARLY: ("Communications", "Compliant"),
    }
    assert _figures(trust["org"], _first()) == (2, 2)
    assert _figures(trust["comms"], _first()) == (2, 2) and _figures(trust["finance"], _first()) == (0, 0)


def test_a_day_between_the_periods_shows_them_gone(rehired, trust, hr_client):
    assert NAME not in _team_page(hr_client, trust["org"], _between())
    assert _csv(hr_client, trust["org"], _between()) == {}
    assert _figures(trust["org"], _between()) == (0, 0)


def test_a_day_in_the_second_period_judges_them_as_a_new_starter_with_their_old_completions(rehired, trust, hr_client):
    """The yearly course ran out while they were away: they are due a new starter's window after returning. The
    three-yearly one still holds, as a course done in a previous post does for a new starter."""
    page = _team_page(hr_client, trust["org"], _second())
    assert page[NAME] == ("Finance", {YEARLY: status.DUE_SOON, THREE_YEARLY: status.COMPLIANT})
    assert _figures(trust["org"], _second()) == (2, 1)
    live = RequirementStatus.objects.get(staff=rehired, requirement__name=YEARLY)
    assert live.due_on == returned() + datetime.timedelta(days=28)


def test_a_pack_as_it_was_reads_both_periods_as_the_table_does(rehired, trust):
    today = timezone.localdate()
    for day in (_first(), _between(), _second(), today):
        table = sorted(export_rows([trust["org"]], Moment.end_of(day), basis=AS_IT_WAS))
        afresh = sorted(export_rows_known([trust["org"]], Moment(day, timezone.now())))
        assert table == afresh, day
    assert [row.team for row in export_rows_known([trust["org"]], Moment(_first(), timezone.now()))] == [
        "Communications",
        "Communications",
    ]


def test_the_table_rebuilt_equals_the_one_kept_and_today_as_it_was_equals_live(rehired, trust):
    today = timezone.localdate()

    def runs():
        fields = ("requirement_id", "valid_from", "valid_to", "state", "team_id", "due_on")
        return sorted(StatusInterval.objects.filter(staff=rehired).values_list(*fields))

    kept = runs()
    intervals_rebuild()
    assert runs() == kept
    live = organisation_report(trust["org"], today=today).overall
    as_it_was = organisation_report(trust["org"], as_at=today, today=today, basis=AS_IT_WAS).overall
    assert (live.required, live.compliant, live.overdue) == (as_it_was.required, as_it_was.compliant, as_it_was.overdue)


def _person_page(client, staff, day):
    return client.get(reverse("reports:team_person", args=[staff.pk]), {"as_at": day.isoformat(), "basis": AS_IT_WAS})


def test_their_page_as_it_was_opens_on_a_day_of_either_period_and_says_not_in_post_between(rehired, hr_client):
    first = _person_page(hr_client, rehired, _first())
    assert first.status_code == 200
    assert {line.requirement.name: line.state for line in first.context["lines"]} == {
        YEARLY: status.COMPLIANT,
        THREE_YEARLY: status.COMPLIANT,
    }
    between = _person_page(hr_client, rehired, _between())
    assert between.status_code == 200 and between.context["lines"] is None
    assert "Sam was not in post on" in between.content.decode()
    assert {line.requirement.name for line in _person_page(hr_client, rehired, _second()).context["lines"]} == {
        YEARLY,
        THREE_YEARLY,
    }


def test_the_manager_of_their_first_team_opens_their_page_for_a_day_of_the_first_period_only(rehired, trust):
    """The link from the team page for that day opens, by the team the roster had them in then."""
    manager = factories.make_staff(team=trust["comms"], first_name="Grace", last_name="Manager")
    TeamManager.objects.create(staff=manager, team=trust["comms"])
    client = factories.sign_in(Client(), manager.user)
    assert NAME in _team_page(client, trust["comms"], _first())
    assert _person_page(client, rehired, _first()).status_code == 200
    assert _person_page(client, rehired, _between()).status_code == 404
    assert _person_page(client, rehired, _second()).status_code == 404


def test_someone_with_nothing_required_in_their_first_period_is_on_the_team_page_for_it(teams, hr_client):
    factories.make_requirement(
        name="Medicines Management", applies_to_everyone=False, staff_groups=["Nursing and Midwifery Registered"]
    )
    _roster(teams)
    _roster(teams, leave=_left())
    _roster(teams, team="finance", start=returned())
    first = _team_page(hr_client, teams["org"], _first())
    assert first[NAME] == ("Communications", {"Medicines Management": status.NOT_REQUIRED})
    assert NAME not in _team_page(hr_client, teams["org"], _between())
    assert _team_page(hr_client, teams["org"], _second())[NAME][0] == "Finance"


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_their_page_on_a_day_out_of_post_names_the_periods_either_side(rehired, hr_client):
    """Between the periods, when they left and when they came back; before the first, when they first started (not
    their present start date, which the page gave before)."""
    between = " ".join(_person_page(hr_client, rehired, _between()).content.decode().split())
    left, came_back = _long(_left()), _long(returned())
    assert (
        f"Sam was not in post on {_long(_between())}: they left on {left} and started again on {came_back}." in between
    )
    before = _started() - datetime.timedelta(days=10)
    earlier = " ".join(_person_page(hr_client, rehired, before).content.decode().split())
    assert f"Sam was not in post on {_long(before)}: they started on {_long(_started())}." in earlier
