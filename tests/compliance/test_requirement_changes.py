"""A requirement added, changed, retired or deleted reaches everyone's status at once, through the service: who it
applies to, when they are due (a window from the day it was introduced for people already in post), reports as at
earlier days, the audit log, and a rebuild of the status table."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import projection, services, status
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.models import Requirement, RequirementStatus
from portal.compliance.services import RequirementError, requirement_delete, requirement_save
from tests import factories

LONG_AGO = datetime.date(2015, 4, 1)


def today() -> datetime.date:
    """Read in each test, as the code under test reads it: a date read once, when the file was imported, is
    yesterday's for the tests of a run that went past midnight."""
    return timezone.localdate()


@pytest.fixture
def trust(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    wards = factories.make_team("Wards", parent=organisation)
    ward_a = factories.make_team("Ward A", parent=wards)
    finance = factories.make_team("Finance", parent=organisation)
    return {
        "wards": wards,
        "finance": finance,
        "nurse": factories.make_staff(team=ward_a, staff_group="Nursing", start_date=LONG_AGO),
        "clerk": factories.make_staff(team=finance, start_date=LONG_AGO),
        "leaver": factories.make_staff(
            team=ward_a, start_date=LONG_AGO, leave_date=today() - datetime.timedelta(days=3)
        ),
        "hr": factories.make_user(first_name="Hana", last_name="HR"),
    }


def _rows(requirement) -> dict:
    return {row.staff_id: row for row in RequirementStatus.objects.filter(requirement=requirement)}


def _table() -> dict:
    return {
        (row.staff_id, row.requirement_id): (row.completed_on, row.expires_on, row.due_on, row.evidence_id)
        for row in RequirementStatus.objects.all()
    }


def _new(**fields) -> Requirement:
    return Requirement(name=fields.pop("name", "Fire safety"), kind=Requirement.EXTERNAL_COURSE, **fields)


def test_adding_a_requirement_gives_everyone_it_applies_to_a_status_row(trust):
    requirement = _new(renewal_months=12)
    requirement_save(requirement=requirement, user=trust["hr"])

    assert set(_rows(requirement)) == {trust["nurse"].pk, trust["clerk"].pk}  # not the leaver


def test_long_standing_staff_are_due_a_window_after_it_is_introduced_not_overdue(trust):
    requirement = _new(new_starter_days=28)
    requirement_save(requirement=requirement, user=trust["hr"])

    row = _rows(requirement)[trust["nurse"].pk]
    assert row.due_on == today() + datetime.timedelta(days=28)
    assert row.state(today()) in {status.NOT_STARTED, status.DUE_SOON}
    assert row.state(today() + datetime.timedelta(days=29)) == status.OVERDUE


def test_someone_who_started_after_it_was_introduced_keeps_their_own_window(trust):
    introduced = today() - datetime.timedelta(days=100)
    newcomer = factories.make_staff(team=trust["finance"], start_date=today() - datetime.timedelta(days=10))
    requirement = _new(new_starter_days=28, introduced_on=introduced)
    requirement_save(requirement=requirement, user=trust["hr"])

    rows = _rows(requirement)
    assert rows[newcomer.pk].due_on == today() + datetime.timedelta(days=18)
    assert rows[trust["clerk"].pk].due_on == introduced + datetime.timedelta(days=28)
    assert rows[trust["clerk"].pk].state(today()) == status.OVERDUE


def test_training_that_ran_out_before_it_was_introduced_is_due_at_the_end_of_the_window(trust):
    requirement = _new(renewal_months=36)
    requirement_save(requirement=requirement, user=trust["hr"])
    long_ago = timezone.now() - datetime.timedelta(days=4 * 365)
    factories.make_completion(trust["nurse"], requirement, completed_at=long_ago)

    row = _rows(requirement)[trust["nurse"].pk]
    assert row.expires_on < today()
    assert row.due_on == today() + datetime.timedelta(days=28)
    assert row.state(today()) == status.DUE_SOON


def test_narrowing_the_audience_removes_rows_and_is_audited(trust):
    requirement = _new()
    requirement_save(requirement=requirement, user=trust["hr"])

    requirement.applies_to_everyone = False
    changes = requirement_save(requirement=requirement, user=trust["hr"], teams=[trust["wards"]])

    assert set(_rows(requirement)) == {trust["nurse"].pk}
    assert changes == {"applies_to_everyone": [True, False], "teams": [[], ["Wards"]]}
    entry = AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED).first()
    assert (entry.actor, entry.scope) == (trust["hr"], "Fire safety")
    assert entry.detail["change"] == "changed"
    assert entry.detail["fields"] == {"applies_to_everyone": [True, False], "teams": [[], ["Wards"]]}
    assert entry.detail["people"] == 3  # the nurse kept, the clerk removed, the leaver's past runs


def test_a_staff_group_audience_reaches_the_group_wherever_they_work(trust):
    requirement = _new(applies_to_everyone=False, staff_groups=["Nursing"])
    requirement_save(requirement=requirement, user=trust["hr"])

    assert set(_rows(requirement)) == {trust["nurse"].pk}


def test_a_longer_window_moves_the_due_date(trust):
    requirement = _new(new_starter_days=28)
    requirement_save(requirement=requirement, user=trust["hr"])

    requirement.new_starter_days = 90
    requirement_save(requirement=requirement, user=trust["hr"])

    assert _rows(requirement)[trust["clerk"].pk].due_on == today() + datetime.timedelta(days=90)


def test_retiring_removes_every_row_and_bringing_it_back_restores_them(trust):
    requirement = _new()
    requirement_save(requirement=requirement, user=trust["hr"])
    factories.make_completion(trust["clerk"], requirement)

    requirement.active, requirement.retired_reason = False, "Replaced by a new course"
    requirement_save(requirement=requirement, user=trust["hr"])
    assert _rows(requirement) == {}

    requirement.active = True
    requirement_save(requirement=requirement, user=trust["hr"])
    assert _rows(requirement)[trust["clerk"].pk].completed_on is not None


def test_a_new_name_touches_no_one(trust):
    requirement = _new()
    requirement_save(requirement=requirement, user=trust["hr"])
    before = _table()

    requirement.name = "Fire safety awareness"
    changes = requirement_save(requirement=requirement, user=trust["hr"])

    assert changes == {"name": ["Fire safety", "Fire safety awareness"]}
    assert _table() == before
    assert AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED).first().detail["people"] == 0


def test_it_cannot_be_introduced_in_the_future(trust):
    requirement = _new(introduced_on=today() + datetime.timedelta(days=1))

    with pytest.raises(ValidationError, match="future"):
        requirement_save(requirement=requirement, user=trust["hr"])

    assert not Requirement.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED).exists()


@pytest.mark.parametrize("groups", [{"Nursing": 1}, ["Nursing", 3], "Nursing"])
def test_staff_groups_that_are_not_a_list_of_names_are_refused(trust, groups):
    with pytest.raises(ValidationError, match="staff groups"):
        requirement_save(requirement=_new(applies_to_everyone=False, staff_groups=groups), user=trust["hr"])

    assert not Requirement.objects.exists()


def test_reports_as_at_a_day_before_it_was_introduced_leave_it_out(trust):
    yesterday = today() - datetime.timedelta(days=1)
    requirement = _new()
    requirement_save(requirement=requirement, user=trust["hr"])

    def as_at(moment):
        return {(row.staff_id, row.requirement_id) for _, rows in statuses_as_at(moment) for row in rows}

    assert as_at(Moment.end_of(yesterday)) == set()
    assert as_at(Moment.now()) == set(_table())


def test_many_people_are_refreshed_in_the_task_worker_once_the_change_is_saved(
    trust, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services.refresh, "REFRESH_IN_BACKGROUND_OVER", 1)
    requirement = _new()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        requirement_save(requirement=requirement, user=trust["hr"])
        assert _rows(requirement) == {}  # not in the request: after the commit, in the worker

    assert len(callbacks) == 1
    assert set(_rows(requirement)) == {trust["nurse"].pk, trust["clerk"].pk}
    assert AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED).first().detail["in_background"] is True


def test_the_background_refresh_a_chunk_at_a_time_equals_a_rebuild(trust):
    requirement = _new(renewal_months=12)
    requirement_save(requirement=requirement, user=trust["hr"])
    factories.make_completion(trust["nurse"], requirement)
    expected = _table()
    RequirementStatus.objects.all().delete()

    written = services.requirement_status_refresh(requirement_id=requirement.pk, chunk=1)

    assert written == 2
    assert _table() == expected


def test_deleting_one_added_by_mistake_that_asks_no_one_removes_it(trust):
    requirement = _new(applies_to_everyone=False, job_title_patterns=["Astronaut*"])
    requirement_save(requirement=requirement, user=trust["hr"])

    requirement_delete(requirement=requirement, user=trust["hr"])

    assert not Requirement.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED).first().detail["change"] == "deleted"


def test_one_anyone_was_measured_against_cannot_be_deleted_only_retired(trust):
    """Their status rows and runs are what reports about past days read (the leaver left before it was introduced;
    test_requirement_delete_keeps_status_history)."""
    requirement = _new()
    requirement_save(requirement=requirement, user=trust["hr"])

    with pytest.raises(RequirementError, match="has been applied to 2 people, so it cannot be deleted"):
        requirement_delete(requirement=requirement, user=trust["hr"])

    assert len(_rows(requirement)) == 2


def test_one_with_evidence_cannot_be_deleted_only_retired(trust):
    requirement = _new()
    requirement_save(requirement=requirement, user=trust["hr"])
    factories.make_completion(trust["clerk"], requirement)

    with pytest.raises(RequirementError, match="retire it instead"):
        requirement_delete(requirement=requirement, user=trust["hr"])

    assert len(_rows(requirement)) == 2


def test_a_rebuild_equals_the_table_after_every_kind_of_change(trust):
    requirement = _new(renewal_months=12)
    requirement_save(requirement=requirement, user=trust["hr"])
    factories.make_completion(trust["nurse"], requirement)
    requirement.applies_to_everyone = False
    requirement_save(requirement=requirement, user=trust["hr"], teams=[trust["wards"]])
    requirement.introduced_on = today() - datetime.timedelta(days=60)
    requirement.new_starter_days = 14
    requirement_save(requirement=requirement, user=trust["hr"])
    live = _table()

    RequirementStatus.objects.all().delete()
    projection.refresh()

    assert _table() == live
    assert set(live) == {(trust["nurse"].pk, requirement.pk)}
