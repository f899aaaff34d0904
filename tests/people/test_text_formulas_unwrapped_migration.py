"""Migration people 0010: numbers and codes a roster or organisation file put in the portal as a text formula
(="00012399") before the imports learnt to read such a cell as Excel shows it (d3bb267) are read so now, so the same
file matches them again. A record whose value another record already holds is left as it is (not merged, not
guessed: `manage.py text_formula_records` lists it). The history keeps the old value for the days before."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from portal.compliance.completions import plan_completions
from portal.compliance.models import CompetenceMapping
from portal.people.history import identities_before
from portal.people.models import Assignment, IdentityChange, StaffMember, Team, TeamChange
from portal.people.organisation_import import plan_organisation
from portal.people.roster import plan_roster
from portal.people.team_history import tree_on
from tests import dbrole, factories

MIGRATION = "0010_text_formulas_unwrapped"
ROSTER = "Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date"
# The migration runs at noon on 10 March (London is on UTC then): the day before is 9 March.
RUN_AT = "2026-03-10 12:00:00"
BEFORE = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
TODAY, YESTERDAY = datetime.date(2026, 3, 10), datetime.date(2026, 3, 9)


def csv_file(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def unwrap() -> None:
    """The migration's function, with today's models (as `migrate` runs it with the historical ones)."""
    migration = importlib.import_module(f"portal.people.migrations.{MIGRATION}")
    with freeze_time(RUN_AT):
        migration.unwrap(apps, SimpleNamespace(connection=connection))


def person(number: str, team=None, **fields) -> StaffMember:
    """Someone a roster file added with `number` as it was written, their one post numbered like them."""
    with freeze_time("2026-01-05 09:00:00"):
        return factories.make_staff(employee_number=number, team=team, **fields)


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


def test_a_person_so_numbered_matches_the_same_file_again(team):
    sam = person('="00012399"', team, first_name="Sam", last_name="Taylor", work_email="sam@example.nhs.uk")
    data = csv_file(ROSTER, f'="00012399",Sam,Taylor,sam@example.nhs.uk,{team.code},06/01/2020')
    assert plan_roster(data).rejected == [(2, "Work Email 'sam@example.nhs.uk' belongs to another employee")]

    unwrap()

    plan = plan_roster(data)
    assert plan.can_apply and not plan.to_create and not plan.to_change
    sam.refresh_from_db()
    assert sam.employee_number == "00012399"
    assert list(sam.assignments.values_list("number", flat=True)) == ["00012399"]  # their post, still numbered so


def test_a_completions_file_finds_them_and_an_organisation_file_adds_no_team(db):
    ward = Team.add_root(code='="0124"', name="Ward 1", kind=Team.TEAM)
    zoe = person('="00012345"', ward)
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name="Adults", requirement=requirement)
    completions = csv_file("Employee Number,Competence Name,Achievement Date", '="00012345",Adults,01/02/2025')
    organisation = csv_file("Organisation Code,Organisation Name", '="0124",Ward 1')
    assert not plan_completions(completions).to_record and plan_organisation(organisation).to_create

    unwrap()

    assert [row.staff_id for row in plan_completions(completions).to_record] == [zoe.pk]
    plan = plan_organisation(organisation)
    assert plan.can_apply and not plan.to_create


def test_the_days_before_keep_the_old_value_on_both_clocks(team):
    sam = person('="00012399"', team)
    ward = Team.add_root(code='="0124"', name="Ward 1", kind=Team.TEAM)  # a team with no history yet
    kept = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)  # when the roster added them

    unwrap()

    assert identities_before(BEFORE)[sam.pk].employee_number == '="00012399"'
    assert sam.pk not in identities_before(datetime.datetime(2026, 3, 10, 13, 0, tzinfo=datetime.UTC))
    assert list(sam.identities.values_list("recorded_at", "employee_number")) == [
        (kept, '="00012399"'),
        (datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC), "00012399"),
    ]
    assert tree_on(YESTERDAY).teams[ward.pk].code == '="0124"'  # as it was
    assert tree_on(YESTERDAY, recorded_before=BEFORE).teams[ward.pk].code == '="0124"'  # as recorded then
    assert tree_on(TODAY).teams[ward.pk].code == "0124"
    assert list(TeamChange.objects.filter(team=ward).values_list("effective_on", "code")) == [
        (None, '="0124"'),
        (TODAY, "0124"),
    ]


def test_a_record_whose_value_another_holds_is_left_as_it_is(team):
    kim = person("E5", team)
    left = [
        person('="E5"', team),  # Kim is E5
        person('="E6"', team),  # a post of Kim's is E6
        person('="E7"', team),  # and another person's number reads as E7 too
        person('=" E7"', team),
    ]
    Assignment.objects.create(staff=kim, number="E6")
    codes = Team.add_root(code='="AB"', name="Ward A", kind=Team.TEAM), Team.add_root(code="ab", name="Ward B")
    turkish = Team.add_root(code='="İX"', name="Ward İ", kind=Team.TEAM), Team.add_root(code="ix", name="Ward I")
    identities, history = IdentityChange.objects.count(), TeamChange.objects.count()

    unwrap()

    assert sorted(
        StaffMember.objects.filter(pk__in=[p.pk for p in left]).values_list("employee_number", flat=True)
    ) == [
        '=" E7"',
        '="E5"',
        '="E6"',
        '="E7"',
    ]
    # as the imports compare codes, in Python's lower case, whichever database: İX is not ix, AB is ab
    assert dict(Team.objects.filter(pk__in=[codes[0].pk, turkish[0].pk]).values_list("name", "code")) == {
        "Ward A": '="AB"',
        "Ward İ": "İX",
    }
    assert IdentityChange.objects.count() == identities and TeamChange.objects.count() == history + 2


def test_the_writes_are_in_bulk_whatever_the_number_of_records(team):
    def queries(count: int) -> int:
        for n in range(count):
            person(f'="{count}0{n}"', team)
            Team.add_root(code=f'="{count}0{n}"', name=f"Ward {count}0{n}", kind=Team.TEAM)
        with CaptureQueriesContext(connection) as captured:
            unwrap()
        assert not StaffMember.objects.filter(employee_number__contains='="').exists()
        return len(captured.captured_queries)

    assert queries(2) == queries(7)


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migrate_unwraps_and_back_leaves_them_unwrapped():
    team = factories.make_team("Communications")
    sam = person('="00012399"', team)
    with dbrole.as_owner():  # migrations run as the database's owner
        try:
            _migrate([("people", "0009_assignment_team_and_dates")])
            _migrate(None)
            _migrate([("people", "0009_assignment_team_and_dates")])  # putting formulas back would bring the fault back
        finally:
            _migrate(None)
    sam.refresh_from_db()
    assert sam.employee_number == "00012399" and IdentityChange.objects.filter(employee_number="00012399").count() == 1
