"""Levels: a requirement may be one level of a family (Safeguarding Adults Levels 1, 2, 3). Evidence of a higher level
satisfies every lower one, with the higher level's completion day and expiry, live (the status table, refreshed when
the higher level is recorded or voided) and in reports as at a date; a rebuild equals the live table."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.compliance import projection
from portal.compliance.asat import Moment, standings_as_at, statuses_as_at
from portal.compliance.dates import add_months, local_day
from portal.compliance.models import Requirement, RequirementStatus
from portal.compliance.services import evidence_void, requirement_save
from tests import factories


@pytest.fixture
def levels(db):
    person = factories.make_staff(start_date=datetime.date(2020, 1, 1))
    family = {
        n: factories.make_requirement(
            name=f"Safeguarding Adults Level {n}", level_family="Safeguarding Adults", level=n, renewal_months=months
        )
        for n, months in [(1, 36), (2, 36), (3, 12)]
    }
    projection.refresh()
    return person, family


def _row(person, requirement):
    return RequirementStatus.objects.get(staff=person, requirement=requirement)


def _table() -> dict:
    return {
        (r.staff_id, r.requirement_id): (r.completed_on, r.expires_on, r.due_on, r.evidence_id)
        for r in RequirementStatus.objects.all()
    }


def test_level_three_satisfies_levels_one_and_two_with_its_own_dates(levels):
    now = timezone.now()
    person, family = levels
    completed = now - datetime.timedelta(days=40)

    entry = factories.make_completion(person, family[3], completed_at=completed)

    day = local_day(completed)
    for n in (1, 2, 3):
        row = _row(person, family[n])
        assert (row.completed_on, row.expires_on, row.evidence_id) == (day, add_months(day, 12), entry.pk)


def test_a_lower_level_does_not_satisfy_a_higher_one(levels):
    person, family = levels
    factories.make_completion(person, family[1])

    assert _row(person, family[1]).completed_on is not None
    assert _row(person, family[2]).completed_on is None
    assert _row(person, family[3]).completed_on is None


def test_the_latest_completion_counts_whichever_level_it_was(levels):
    now = timezone.now()
    person, family = levels
    factories.make_completion(person, family[3], completed_at=now - datetime.timedelta(days=400))
    level_one = factories.make_completion(person, family[1], completed_at=now - datetime.timedelta(days=10))

    row = _row(person, family[1])
    assert row.evidence_id == level_one.pk
    assert row.expires_on == add_months(local_day(level_one.completed_at), 36)
    assert _row(person, family[2]).completed_on == local_day(now - datetime.timedelta(days=400))


def test_voiding_the_higher_level_takes_it_away_from_the_lower_ones(levels):
    person, family = levels
    entry = factories.make_completion(person, family[3])
    evidence_void(entry=entry, reason="Wrong person", voided_by=factories.make_user())

    for n in (1, 2, 3):
        assert _row(person, family[n]).completed_on is None


def test_as_at_reports_count_the_higher_level_too(levels):
    person, family = levels
    factories.make_completion(person, family[3], completed_at=timezone.now() - datetime.timedelta(days=40))

    now = Moment.now()
    full = {
        row.requirement_id: (row.completed_on, row.expires_on, row.due_on)
        for _, rows in statuses_as_at(now)
        for row in rows
    }
    lean = {
        r.pk: (s.completed_on, s.expires_on, s.due_on) for _, standings in standings_as_at(now) for r, s in standings
    }
    live = {r.requirement_id: (r.completed_on, r.expires_on, r.due_on) for r in RequirementStatus.objects.all()}
    assert full == lean == live


def test_a_rebuild_equals_the_live_table(levels):
    now = timezone.now()
    person, family = levels
    other = factories.make_staff(start_date=datetime.date(2020, 1, 1))
    projection.refresh(staff_ids=[other.pk])
    factories.make_completion(person, family[3], completed_at=now - datetime.timedelta(days=500))
    factories.make_completion(person, family[2], completed_at=now - datetime.timedelta(days=30))
    factories.make_completion(other, family[2], completed_at=now - datetime.timedelta(days=5))
    live = _table()

    RequirementStatus.objects.all().delete()
    projection.refresh()

    assert _table() == live


def test_changing_a_level_refreshes_the_family(levels):
    person, family = levels
    factories.make_completion(person, family[2])
    assert _row(person, family[1]).completed_on is not None

    family[2].level_family, family[2].level = "", None
    requirement_save(requirement=family[2], user=factories.make_user())

    assert _row(person, family[1]).completed_on is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"level_family": "Safeguarding Adults", "level": 2}, "level"),  # taken
        ({"level_family": "", "level": 2}, "level_family"),
        ({"level_family": "Safeguarding Adults", "level": None}, "level"),
        ({"level_family": "Prevent", "level": 1, "kind": Requirement.ATTEST_POLICY}, "level_family"),
    ],
)
def test_levels_are_checked(levels, fields, field):
    requirement = Requirement(name="Another", kind=fields.pop("kind", Requirement.EXTERNAL_COURSE), **fields)
    with pytest.raises(ValidationError) as error:
        requirement.full_clean()
    assert field in error.value.message_dict
