"""The team page counts in SQL and judges only the people it lists (`reports.team_listed`): what it shows is what
judging everyone in Python shows (`reports.team.team_matrix`, then cut to the lists' length), on a varied
organisation (overdue, due soon, compliant, paused, not required, leavers, future and new starters, a retired
requirement, sub-teams, names that sort apart by case, people who owe the same) and on status rows made to sit on
every boundary of `status.state_on`."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance import pauses, status
from portal.compliance.models import RequirementStatus
from portal.compliance.pauses import pause_add
from portal.compliance.projection import refresh
from portal.people.models import Team
from portal.people.roles import hr_group
from portal.reports import views_team
from portal.reports.basis import AS_RECORDED
from portal.reports.selectors import due_soon_days
from portal.reports.team import STATE_CHOICES, team_matrix
from portal.reports.team_listed import team_matrix_listed
from tests import factories
from tests.reports.conftest import client_for

DAY = datetime.timedelta(days=1)
STATES = ["", *(state for state, _ in STATE_CHOICES)]


def _days(n: int) -> datetime.date:
    return timezone.localdate() + n * DAY


def _hr():
    user = factories.make_user(first_name="Hana")
    user.groups.add(hr_group())
    return user


def owing_the_same(person, ward, surgery, night) -> None:
    """People owing the same (never done, started the same day): only their names set them apart, which Python and
    the database may order differently ("adams" and "Baker": by case, or not); and one who owes one more."""
    person(ward, "Ann", "adams")
    person(ward, "Ben", "Baker")
    person(surgery, "Dai", "de Souza", employment_type="agency")
    person(surgery, "Eve", "Ólafsson")
    person(night, "Cat", "Baker", staff_group="Nursing")


@pytest.fixture
def trust(db):
    """Two directorates, a ward with a sub-team under one; three requirements in use (one for nurses only) and one
    retired; people in every state."""
    trust = factories.make_team("Trust", kind="organisation")
    medicine = factories.make_team("Medicine", parent=trust)
    ward = factories.make_team("Ward 1", parent=medicine)
    night = factories.make_team("Night shift", parent=ward, kind="sub_team")
    surgery = factories.make_team("Surgery", parent=trust)
    fire = factories.make_requirement(name="Fire Safety")
    adults = factories.make_requirement(name="Safeguarding Adults", renewal_months=36)
    bloods = factories.make_requirement(
        name="Blood Transfusion", applies_to_everyone=False, staff_groups=["Nursing"], new_starter_days=90
    )
    factories.make_requirement(name="Old Course", active=False)

    def person(team, first, last, **fields):
        return factories.make_staff(team=team, first_name=first, last_name=last, **fields)

    owing_the_same(person, ward, surgery, night)
    done = person(ward, "Fay", "Ford", staff_group="Nursing")
    expiring = person(night, "Gus", "Green")
    expired = person(surgery, "Hal", "Hart", staff_group="Nursing")
    paused = person(medicine, "Ivy", "Ives")
    paused_open = person(ward, "Jon", "Jones", employment_type="bank")
    # A new starter: due soon on what must be done in 28 days, not started on what gives 90.
    person(surgery, "Kim", "Khan", start_date=_days(-10), staff_group="Nursing")
    person(surgery, "Lee", "Leaver", leave_date=_days(-1))
    person(ward, "May", "Moore", leave_date=_days(5))  # working their notice: still here
    person(ward, "Ned", "Next", start_date=_days(3))  # not started yet
    for requirement in (fire, adults, bloods):
        factories.make_completion(done, requirement)
    for requirement in (fire, adults):  # all that applies to them
        factories.make_completion(paused, requirement, completed_at=timezone.now() - 500 * DAY)
    factories.make_completion(expiring, fire, completed_at=timezone.now() - 350 * DAY)
    factories.make_completion(expiring, adults)
    factories.make_completion(expired, fire, completed_at=timezone.now() - 400 * DAY)
    refresh()
    hr = _hr()
    for who, last_day in ((paused, _days(60)), (paused_open, None)):
        pause_add(
            staff=who,
            requirements=[fire],
            reason_code=pauses.MATERNITY,
            first_day=_days(-5),
            last_day=last_day,
            user=hr,
        )
    teams = {"trust": trust, "medicine": medicine, "ward": ward, "night": night, "surgery": surgery}
    return {name: Team.objects.get(pk=team.pk) for name, team in teams.items()} | {
        "fire": fire,
        "adults": adults,
    }


# The parts of the organisation each comparison is made for (the `trust` fixture's names).
SCOPES = pytest.mark.parametrize(
    "names",
    [["trust"], ["medicine"], ["ward"], ["night"], ["ward", "surgery"]],
    ids=["everyone", "a directorate", "a ward and its sub-team", "a sub-team", "two teams"],
)


def assert_listed_is_whole_cut(scope, requirement, moment=None, basis=AS_RECORDED) -> None:
    """The page listing people (`team_listed.team_matrix_listed`) is the whole matrix (`team.team_matrix`) cut to the
    lists' length, live or as at `moment` on the clock `basis`, listing 1 to 1,000, for every requirement and for
    `requirement` alone, for every state and none."""
    for listed in (1, 2, 3, 5, 1000):
        for shown in (None, requirement):
            for state in STATES:
                filters = {"requirement": shown, "state": state, "basis": basis}
                whole = team_matrix(scope, moment, **filters)
                whole.cut(listed)
                assert team_matrix_listed(scope, moment, listed=listed, **filters) == whole, (listed, filters)


@SCOPES
def test_the_page_is_what_judging_everyone_gives(trust, names):
    assert_listed_is_whole_cut([trust[name] for name in names], trust["fire"])


def test_the_organisation_holds_what_the_comparison_needs(trust):
    """A guard on the fixture: every state, people who owe the same, more to chase and to list than are listed."""
    whole = team_matrix([trust["trust"]])
    assert {cell.state for _, cells in whole.people for cell in cells} == set(status.LABELS)
    keys = [owed.sort_key()[:3] for owed in whole.chase]
    assert len(keys) > len(set(keys))  # ties on what they owe, broken by name
    assert whole.people_count > 5 and whole.chase_count > 5 and 0 < whole.due_soon_count < whole.chase_count
    assert "Ned Next" not in {p.full_name for p, _ in whole.people}  # not started yet


def test_live_it_is_two_queries_however_many_people(trust, django_assert_num_queries):
    with django_assert_num_queries(2):  # the requirements; LISTED_WITH_COUNTS
        matrix = team_matrix_listed([trust["trust"]], listed=3, state=status.OVERDUE)
    assert matrix.people_count > 3 and len(matrix.people) == 3


# Status rows on each boundary of status.state_on, relative to today and the due-soon window (W): (completed_on,
# expires_on, due_on, paused_from, paused_until, renew_from), each a number of days from today or None.
def _boundaries(w: int) -> list[tuple]:
    return [
        (None, None, None, None, None, None),  # never done, no due date: not started
        (None, None, -1, None, None, None),  # overdue
        (None, None, 0, None, None, None),  # due today: due soon
        (None, None, w - 1, None, None, None),  # the last day of the window: due soon
        (None, None, w, None, None, None),  # just past it: not started
        (-10, None, None, None, None, None),  # done, never expires: compliant
        (-10, 0, 0, None, None, None),  # expires today: still valid, due soon
        (-10, -1, -1, None, None, None),  # expired yesterday: overdue
        (-10, -1, 0, None, None, None),  # expired, due today: due soon
        (-10, -1, None, None, None, None),  # expired, no due date: due soon
        (-10, -1, w + 5, None, None, None),  # expired, due later: due soon (done before, so not "not started")
        (-10, w, w, None, None, None),  # valid, due at the window's end: compliant
        (-10, w - 1, w - 1, None, None, None),  # valid, due inside it: due soon
        (-10, 200, 200, None, None, 0),  # asked again from today: due soon
        (-10, 200, 200, None, None, -5),  # asked again since: due soon
        (-10, 200, 200, None, None, 1),  # asked again from tomorrow: compliant
        (None, None, -10, 0, None, None),  # paused from today, no return date: paused
        (None, None, -10, -3, 0, None),  # paused until today: paused
        (None, None, -10, -3, -1, None),  # paused until yesterday: overdue again
        (None, None, -10, 1, 5, None),  # paused from tomorrow: overdue today
        (-10, 200, 200, -3, 5, None),  # valid and paused: paused
    ]


def boundary_grid() -> Team:
    """A team of one person for each of `_boundaries`' status rows, on one requirement."""
    team = factories.make_team("Grid", kind="organisation")
    factories.make_requirement(name="Grid")
    cases = _boundaries(due_soon_days())
    people = [factories.make_staff(team=team, first_name=f"Case{n:02d}") for n in range(len(cases))]
    refresh()
    names = ("completed_on", "expires_on", "due_on", "paused_from", "paused_until", "renew_from")
    for person, case in zip(people, cases, strict=True):
        dates = {name: None if days is None else _days(days) for name, days in zip(names, case, strict=True)}
        RequirementStatus.objects.filter(staff=person).update(**dates)
    return team


def test_the_sql_state_is_state_on_on_every_boundary(db):
    """One person for each row: for each state, the people the SQL finds in it are those state_on puts in it."""
    team = boundary_grid()
    judged = {
        status.state_on(timezone.localdate(), row.standing, due_soon_days()) for row in RequirementStatus.objects.all()
    }
    assert judged == set(status.LABELS) - {status.NOT_REQUIRED}
    assert_listed_is_whole_cut([team], None)


def calls_of(monkeypatch, module, name: str) -> list:
    """Each call of `module.name` from now on (its arguments), the function still doing its work."""
    calls, real = [], getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def hr_client(team: Team):
    """A client signed in as an HR officer (with the second factor) in `team`, counted in the status table too."""
    hr = factories.make_staff(team=team, first_name="Hana", last_name="Human-Resources")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    refresh()  # what applies to them too, before the count
    return client_for(hr)


def test_the_page_judges_only_the_people_it_lists(trust, monkeypatch):
    """Twenty more people, listed in neither list (last by name, nothing owed), cost the page no judging: it used to
    judge every cell of everyone."""
    monkeypatch.setattr(views_team, "LISTED_MAX", 3)
    client, url = hr_client(trust["surgery"]), reverse("reports:team")
    judged = calls_of(monkeypatch, status, "state_on")
    assert client.get(url).status_code == 200
    before = len(judged)
    for n in range(20):
        late = factories.make_staff(team=trust["ward"], first_name="Zed", last_name=f"Zz{n:02d}")
        for requirement in (trust["fire"], trust["adults"]):  # all that applies to them
            factories.make_completion(late, requirement)
    refresh()
    judged.clear()
    html = client.get(url).content.decode()
    assert "The first 3 of " in html and "Zz19" not in html
    assert len(judged) == before
