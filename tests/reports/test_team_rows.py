"""The team page's people and status rows, read by one SQL statement (`reports.team.PEOPLE_WITH_STANDING`), are the
rows the ORM's own rules give: `StaffMember.objects.current(on=day).in_teams(teams)` with each person's status rows,
by last name, first name and id. Leave dates either side of the day, people with no status row, with a pause, in no
team, in a team outside the scope, with the same name, and scopes of one team, two teams and a team below another."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance import pauses
from portal.compliance.pauses import pause_add
from portal.people.models import StaffMember, Team
from portal.people.roles import hr_group
from portal.reports.team import PERSON_FIELDS, STANDING_FIELDS, _people_with_standing
from tests import factories

DAY = datetime.timedelta(days=1)


def _expected(teams, day):
    staff = StaffMember.objects.current(on=day).in_teams(teams).order_by("last_name", "first_name", "pk")
    return list(staff.values_list(*PERSON_FIELDS, *(f"statuses__{name}" for name in STANDING_FIELDS)))


@pytest.fixture
def trust(db):
    trust = factories.make_team("Trust", kind="organisation")
    medicine = factories.make_team("Medicine", parent=trust)
    teams = {
        "trust": trust,
        "medicine": medicine,
        "ward": factories.make_team("Ward 1", parent=medicine),
        "surgery": factories.make_team("Surgery", parent=trust),
    }
    teams = {name: Team.objects.get(pk=team.pk) for name, team in teams.items()}
    course = factories.make_requirement(name="Fire safety")
    factories.make_requirement(name="Information governance", renewal_months=36)
    people = [
        factories.make_staff(team=teams["ward"], first_name="Ann", last_name="Able"),
        factories.make_staff(team=teams["ward"], first_name="Ann", last_name="Able"),  # the same name
        factories.make_staff(
            team=teams["medicine"], first_name="Ben", last_name="Bell", leave_date=timezone.localdate()
        ),
        factories.make_staff(
            team=teams["medicine"], first_name="Cat", last_name="Cole", leave_date=timezone.localdate() - DAY
        ),
        factories.make_staff(
            team=teams["surgery"], first_name="Dan", last_name="Dee", leave_date=timezone.localdate() + DAY
        ),
        factories.make_staff(team=None, first_name="Eve", last_name="Eden"),
        factories.make_staff(team=teams["trust"], first_name="Fay", last_name="Ford", employment_type="agency"),
    ]
    factories.make_completion(people[0], course, completed_at=timezone.now() - 400 * DAY)
    factories.make_completion(people[4], course)
    hr = factories.make_user(first_name="Hana")
    hr.groups.add(hr_group())
    pause_add(
        staff=people[1],
        requirements=[course],
        reason_code=pauses.MATERNITY,
        first_day=timezone.localdate() - 10 * DAY,
        last_day=timezone.localdate() + 90 * DAY,
        user=hr,
    )
    return teams


@pytest.mark.parametrize(
    "names",
    [["trust"], ["medicine"], ["ward"], ["ward", "surgery"], ["medicine", "ward"], []],
    ids=["everyone", "a division", "a ward", "two teams", "a team and one below it", "no team"],
)
@pytest.mark.parametrize("days", [0, -1, 1], ids=["today", "yesterday", "tomorrow"])
def test_the_rows_are_those_the_orm_rules_give(trust, names, days):
    teams, day = [trust[name] for name in names], timezone.localdate() + days * DAY
    rows = _people_with_standing(teams, day)
    assert rows == _expected(teams, day)
    if names == ["trust"] and days == 0:  # the case that holds every kind of row
        assert {row[1] for row in rows} == {"Ann", "Ben", "Dan", "Fay"}  # not Cat (left yesterday), not Eve
        assert any(row[-2] is not None for row in rows)  # a pause's first day
        assert any(row[8] is not None for row in rows)  # a completion date
        assert all(isinstance(value, datetime.date) for row in rows for value in row[8:] if value is not None)
