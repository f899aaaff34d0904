"""The team page about a past day as it was counts in SQL over the status table in effective time and judges only the
people it lists (`reports.team_listed_as_it_was`): what it shows is what reading every run in Python shows
(`reports.team.team_matrix` as it was, then cut to the lists' length), on an organisation with people in every state
that day, runs that begin on the day and end the day before, a leaver and a starter on the day and the day after, a
pause ending that day and one beginning the next, people with nothing required, movers, and names that sort apart by
case and accent."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance import pauses, status
from portal.compliance.asat import Moment
from portal.compliance.models import StatusInterval
from portal.compliance.pauses import pause_add
from portal.compliance.projection import refresh
from portal.people.history import staff_changes_record
from portal.people.models import StaffMember, Team
from portal.people.roles import hr_group
from portal.reports import views_team
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.team import team_matrix
from portal.reports.team_listed import team_matrix_listed
from tests import factories
from tests.reports.test_team_listed import SCOPES, assert_listed_is_whole_cut, calls_of, hr_client, owing_the_same

ONE = datetime.timedelta(days=1)
WORKERS = ["Administrative and Clerical", "Nursing"]  # students are in neither: nothing is required of them

# The day each test runs, and the past day the page is about (30 days before it): read as the test begins
# (_read_the_day), before `recorded` freezes the clock on the day. Read when the file was imported, a run going past
# midnight used yesterday's.
TODAY = DAY = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global TODAY, DAY
    TODAY = timezone.localdate()
    DAY = TODAY - 30 * ONE


def _on(n: int) -> datetime.date:
    return DAY + n * ONE


def _at(n: int) -> datetime.datetime:
    """Noon on the day `n` days from DAY."""
    return timezone.make_aware(datetime.datetime.combine(_on(n), datetime.time(12)))


@pytest.fixture
def trust(db):
    found = _trust()
    _recorded_since(found)
    return found


def _trust() -> dict:
    """Two directorates, a ward with a sub-team under one; three requirements in force on the day (two for
    administrative and nursing staff, one for nurses only) and one introduced since; people in every state that day."""
    trust = factories.make_team("Trust", kind="organisation")
    medicine = factories.make_team("Medicine", parent=trust)
    ward = factories.make_team("Ward 1", parent=medicine)
    night = factories.make_team("Night shift", parent=ward, kind="sub_team")
    surgery = factories.make_team("Surgery", parent=trust)
    fire = factories.make_requirement(name="Fire Safety", applies_to_everyone=False, staff_groups=WORKERS)
    adults = factories.make_requirement(
        name="Safeguarding Adults", renewal_months=36, applies_to_everyone=False, staff_groups=WORKERS
    )
    factories.make_requirement(
        name="Blood Transfusion", applies_to_everyone=False, staff_groups=["Nursing"], new_starter_days=90
    )
    factories.make_requirement(name="Later Course", introduced_on=TODAY - 5 * ONE)  # not in force on the day

    def person(team, first, last, **fields):
        return factories.make_staff(team=team, first_name=first, last_name=last, **fields)

    owing_the_same(person, ward, surgery, night)
    person(ward, "Abe", "Aardvark", staff_group="Students")  # nothing required: first by name
    person(surgery, "Zoe", "Zulu", staff_group="Students")
    done = person(ward, "Fay", "Ford", staff_group="Nursing")
    for requirement in (fire, adults):
        factories.make_completion(done, requirement, completed_at=_at(-10))
    expiring = person(night, "Gus", "Green")  # due soon that day
    factories.make_completion(expiring, fire, completed_at=_at(-350))
    factories.make_completion(expiring, adults, completed_at=_at(-20))
    expired = person(surgery, "Hal", "Hart", staff_group="Nursing")
    factories.make_completion(expired, fire, completed_at=_at(-400))
    on_the_day = person(medicine, "Ola", "Onday")  # done on the day itself: compliant from it
    factories.make_completion(on_the_day, fire, completed_at=_at(0) - datetime.timedelta(hours=1))
    person(medicine, "Pip", "Post")  # done the day after (`_recorded_since`): still overdue that day
    # New starters whose first deadline (28 days) falls on the day and the day before: due soon, and overdue from the
    # day itself (a run that begins on it).
    person(surgery, "Kim", "Khan", start_date=_on(-28))
    person(surgery, "Kai", "Khan", start_date=_on(-29))
    person(surgery, "Lee", "Leaver", leave_date=_on(-1))  # gone the day before
    person(ward, "May", "Moore", leave_date=_on(0))  # their last day
    person(ward, "Ned", "Next", start_date=_on(1))  # not started yet
    person(ward, "Nia", "Now", start_date=_on(0), staff_group="Nursing")  # their first day: not started on bloods
    mover = person(ward, "Mo", "Mover")  # moved to Surgery ten days before the day
    person(surgery, "Lou", "Later")  # moved to Medicine five days after it (`_recorded_since`)
    refresh()
    mover.team = surgery
    mover.save()
    staff_changes_record([mover], effective=_on(-10))
    refresh(staff_ids=[mover.pk])
    hr = factories.make_user(first_name="Hana")
    hr.groups.add(hr_group())
    paused = {
        "Ivy": (_on(-5), _on(60)),  # with a return date
        "Jon": (_on(-5), None),  # no return date yet
        "Una": (_on(-40), _on(0)),  # back the day after
        "Vic": (_on(1), _on(20)),  # from the day after: overdue that day
    }
    for first, (first_day, last_day) in paused.items():
        who = person(medicine if first < "Una" else ward, first, "Paused")
        factories.make_completion(who, adults, completed_at=_at(-100))
        pause_add(
            staff=who,
            requirements=[fire],
            reason_code=pauses.MATERNITY,
            first_day=first_day,
            last_day=last_day,
            user=hr,
        )
    teams = {"trust": trust, "medicine": medicine, "ward": ward, "night": night, "surgery": surgery}
    return {name: Team.objects.get(pk=team.pk) for name, team in teams.items()} | {"fire": fire, "adults": adults}


def _recorded_since(trust: dict) -> None:
    """What was recorded after the day: Pip's completion the day after it, Lou's move five days after it, and Ben's
    completion from before the day, imported late (as it was counts it; as recorded then does not)."""
    factories.make_completion(StaffMember.objects.get(first_name="Pip"), trust["fire"], completed_at=_at(1))
    factories.make_completion(StaffMember.objects.get(first_name="Ben"), trust["fire"], completed_at=_at(-3))
    late_mover = StaffMember.objects.get(first_name="Lou")
    late_mover.team = trust["medicine"]
    late_mover.save()
    staff_changes_record([late_mover], effective=_on(5))
    refresh()


@SCOPES
def test_the_page_as_it_was_is_what_reading_every_run_gives(trust, names):
    assert_listed_is_whole_cut([trust[name] for name in names], trust["fire"], Moment.end_of(DAY), AS_IT_WAS)


def test_the_organisation_holds_what_the_comparison_needs(trust):
    """A guard on the fixture: every state that day, runs beginning on it and ending the day before, people with
    nothing required, people who owe the same, more to chase and to list than are listed, movers in their team then."""
    whole = team_matrix([trust["trust"]], Moment.end_of(DAY), basis=AS_IT_WAS)
    assert {cell.state for _, cells in whole.people for cell in cells} == set(status.LABELS)
    assert StatusInterval.objects.filter(valid_from=DAY).exists() and StatusInterval.objects.filter(valid_to=DAY)
    names = {person.full_name: (person.team_name, cells) for person, cells in whole.people}
    assert {"Abe Aardvark", "Zoe Zulu", "May Moore", "Nia Now"} <= set(names)
    assert not {"Lee Leaver", "Ned Next"} & set(names)
    assert names["Mo Mover"][0] == "Surgery" and names["Lou Later"][0] == "Surgery"
    assert [cell.label for cell in names["Una Paused"][1] if cell.requirement == trust["fire"]] == [
        f"Paused until {DAY.day} {DAY:%B %Y}"
    ]
    assert [cell.state for cell in names["Kai Khan"][1] if cell.requirement == trust["fire"]] == [status.OVERDUE]
    assert [cell.state for cell in names["Kim Khan"][1] if cell.requirement == trust["fire"]] == [status.DUE_SOON]
    keys = [owed.sort_key()[:3] for owed in whole.chase]
    assert len(keys) > len(set(keys))  # ties on what they owe, broken by name
    assert whole.people_count > 5 and whole.chase_count > 5 and 0 < whole.due_soon_count < whole.chase_count


def test_as_it_was_it_is_four_queries_however_many_people(trust, django_assert_num_queries):
    # The requirements in force that day; the tree that day; LISTED_AS_IT_WAS; the people with nothing required.
    with django_assert_num_queries(4):
        matrix = team_matrix_listed(
            [trust["trust"]], Moment.end_of(DAY), basis=AS_IT_WAS, listed=3, state=status.OVERDUE
        )
    assert matrix.people_count > 3 and len(matrix.people) == 3
    # And one more when someone listed was paused, for the pauses' last days.
    with django_assert_num_queries(5):
        matrix = team_matrix_listed(
            [trust["trust"]], Moment.end_of(DAY), basis=AS_IT_WAS, listed=3, state=status.PAUSED
        )
    assert matrix.people_count == 3


@pytest.fixture
def recorded(db):
    """The same organisation recorded on the day: everything but what `_recorded_since` adds was recorded by noon."""
    with freeze_time(_at(0)):
        found = _trust()
    _recorded_since(found)
    return found


def more_people(found: dict, n: int) -> None:
    """`n` people last by name, each done with both requirements five days before the day, recorded on the day."""
    with freeze_time(_at(0)):
        for k in range(n):
            late = factories.make_staff(team=found["ward"], first_name="Zed", last_name=f"Zz{k:02d}")
            for requirement in (found["fire"], found["adults"]):
                factories.make_completion(late, requirement, completed_at=_at(-5))


@pytest.mark.parametrize(("organisation", "basis"), [("trust", AS_IT_WAS), ("recorded", AS_RECORDED)])
def test_the_page_about_the_day_makes_cells_only_for_the_people_it_lists(request, monkeypatch, organisation, basis):
    """Twenty more people, listed in neither list (last by name, done before the day), cost the page no cell: it
    used to make one of every run of everyone (as it was), of every standing (as recorded then, where each is still
    judged once, to count it)."""
    found = request.getfixturevalue(organisation)
    monkeypatch.setattr(views_team, "LISTED_MAX", 3)
    client, url = hr_client(found["surgery"]), reverse("reports:team")
    query = {"as_at": DAY.isoformat(), "basis": basis}
    cells = calls_of(monkeypatch, status, "label")
    assert client.get(url, query).status_code == 200
    before = len(cells)
    more_people(found, 20)
    cells.clear()
    html = client.get(url, query).content.decode()
    assert "The first 3 of " in html and "Zz19" not in html
    assert len(cells) == before
