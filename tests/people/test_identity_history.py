"""Who a person was called, and by which employee number, from moment to moment (`people.IdentityChange`): a row each
time the roster's record of either changes, never changed itself, so that what the portal issued about a moment can
still name people as it did (`history.identities_before`)."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from portal.people.history import identities_before, staff_changes_record
from portal.people.models import AppendOnly, IdentityChange, StaffMember
from tests import factories


def renamed(staff: StaffMember, at: datetime.datetime, **fields) -> None:
    for name, value in fields.items():
        setattr(staff, name, value)
    staff.save()
    staff_changes_record([staff], at=at)


def test_a_row_is_added_only_when_the_name_or_number_changes(db):
    staff = factories.make_staff(first_name="Priya", last_name="Shah")
    number = staff.employee_number
    later = timezone.now() + datetime.timedelta(hours=1)
    staff.job_title = "Senior Officer"  # a roster change, not who they are
    staff.save()
    staff_changes_record([staff], at=later)
    assert [row.full_name for row in IdentityChange.objects.filter(staff=staff)] == ["Priya Shah"]
    renamed(staff, later + datetime.timedelta(hours=1), last_name="Shah-Jones")
    renamed(staff, later + datetime.timedelta(hours=2), employee_number="E9000001")
    rows = IdentityChange.objects.filter(staff=staff)
    assert [(row.employee_number, row.full_name) for row in rows] == [
        (number, "Priya Shah"),
        (number, "Priya Shah-Jones"),
        ("E9000001", "Priya Shah-Jones"),
    ]
    with pytest.raises(AppendOnly):
        rows[0].save()
    with pytest.raises(AppendOnly):
        IdentityChange.objects.filter(staff=staff).update(last_name="Other")


def test_who_someone_was_before_a_moment(db):
    staff = factories.make_staff(first_name="Priya", last_name="Shah", employee_number="5001")
    unchanged = factories.make_staff(first_name="Owen", last_name="Jones")
    made = IdentityChange.objects.get(staff=staff).recorded_at
    renamed(staff, made + datetime.timedelta(days=2), last_name="Shah-Jones", employee_number="5002")

    before = identities_before(made + datetime.timedelta(days=1))
    assert list(before) == [staff.pk] and unchanged.pk not in before
    assert (before[staff.pk].full_name, before[staff.pk].employee_number) == ("Priya Shah", "5001")
    assert before[staff.pk].staff.full_name == "Priya Shah-Jones"  # who they are now, read with it
    # Before their first row, their first row stands; after the rename, nobody has changed since.
    assert identities_before(made - datetime.timedelta(days=1))[staff.pk].full_name == "Priya Shah"
    assert identities_before(made + datetime.timedelta(days=3)) == {}


def test_the_migration_keeps_everyone_as_they_are_named_now_for_all_time_before(db):
    staff = StaffMember.objects.create(  # as before the portal kept names: no history
        employee_number="5001",
        first_name="Priya",
        last_name="Shah",
        work_email="priya.shah@example.nhs.uk",
        start_date=datetime.date(2020, 1, 6),
    )
    importlib.import_module("portal.people.migrations.0008_identitychange").backfill(
        apps, SimpleNamespace(connection=connection)
    )
    (kept,) = IdentityChange.objects.filter(staff=staff)
    assert (kept.recorded_at, kept.employee_number, kept.full_name) == (None, "5001", "Priya Shah")
