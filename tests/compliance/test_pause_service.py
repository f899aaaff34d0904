"""Pausing someone through the service: the ledger records it, the status follows, the audit log says who."""

import datetime

import pytest
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import ledger, pauses, projection, status
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.models import EvidenceEntry, RequirementStatus
from portal.compliance.pauses import PauseError, pause_add, pause_change, pause_withdraw
from portal.people.roles import hr_group
from tests import factories


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def world(db):
    team = factories.make_team("Wards")
    hr = factories.make_user(email="hr@example.nhs.uk", first_name="Hana", last_name="HR")
    hr.groups.add(hr_group())
    nia = factories.make_staff(team=team, first_name="Nia", last_name="Jones", start_date=days(-100))
    course = factories.make_requirement(name="Fire safety", renewal_months=12, new_starter_days=120)
    other = factories.make_requirement(name="Information governance", renewal_months=12, new_starter_days=120)
    projection.refresh()
    return {"hr": hr, "nia": nia, "course": course, "other": other}


def row(world, requirement="course"):
    return RequirementStatus.objects.get(staff=world["nia"], requirement=world[requirement])


def snapshot():
    return (
        EvidenceEntry.objects.count(),
        AuditEvent.objects.count(),
        list(RequirementStatus.objects.values_list("due_on", "paused_from", "paused_until").order_by("pk")),
    )


def test_a_pause_stops_the_clock_and_is_recorded_hashed_and_audited(world):
    before_due = row(world).due_on  # started 100 days ago, 120-day window: due in 20 days
    assert before_due == days(20)
    pause = pause_add(
        staff=world["nia"],
        requirements=None,
        reason_code=pauses.MATERNITY,
        first_day=days(-10),
        last_day=days(30),
        user=world["hr"],
    )
    assert [e.requirement.name for e in pause.entries] == ["Fire safety", "Information governance"]
    assert row(world).state(timezone.localdate()) == status.PAUSED
    assert row(world).paused_until == days(30)
    # On the pause's first day they had 31 days left (that day to the old due date): they get them on return.
    assert row(world).due_on == days(30) + datetime.timedelta(days=31)
    entry = pause.entries[0]
    assert entry.source == EvidenceEntry.PAUSE and entry.source_ref == f"maternity:{pause.ref}"
    assert entry.expires_on == days(30) and ledger.entry_hash(entry) == entry.content_hash
    assert ledger.verify_chain().intact
    audit = AuditEvent.objects.get(action=AuditEvent.PAUSE_CHANGED)
    assert audit.actor == world["hr"] and audit.detail["change"] == "added" and audit.detail["reason"] == "maternity"


def test_the_same_pause_submitted_twice_records_one(world):
    kwargs = {
        "staff": world["nia"],
        "requirements": [world["course"]],
        "reason_code": pauses.SICKNESS,
        "first_day": timezone.localdate(),
        "last_day": days(5),
        "user": world["hr"],
    }
    first = pause_add(**kwargs)
    again = pause_add(**kwargs)
    assert again.ref == first.ref
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.PAUSE).count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.PAUSE_CHANGED).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason_code": "holiday"}, "Choose a reason"),
        ({"reason_code": "other", "reason_text": "  "}, "Say what the other reason is"),
        ({"reason_code": "other", "reason_text": "a\u202eb"}, "Type it again without it"),
        ({"reason_code": "other", "reason_text": "x" * 501}, "500 characters or fewer"),
        # Days as offsets from today, read in the test (days): read when the file was imported, a run going past
        # midnight gave other days than these.
        ({"last_day": -1}, "end on or after the day it starts"),
        ({"first_day": 400, "last_day": None}, "at most a year ahead"),
        ({"first_day": -200}, "cannot start before"),
    ],
)
def test_bad_input_changes_nothing(world, changes, message):
    changes = {
        name: days(value) if name.endswith("_day") and value is not None else value for name, value in changes.items()
    }
    kwargs = {
        "staff": world["nia"],
        "requirements": None,
        "reason_code": pauses.CAREER_BREAK,
        "reason_text": "",
        "first_day": timezone.localdate(),
        "last_day": days(10),
        "user": world["hr"],
    }
    before = snapshot()
    with pytest.raises(PauseError, match=message):
        pause_add(**{**kwargs, **changes})
    assert snapshot() == before


def test_nobody_pauses_themselves(world):
    world["nia"].user.groups.add(hr_group())
    with pytest.raises(PauseError, match="your own"):
        pause_add(
            staff=world["nia"],
            requirements=None,
            reason_code=pauses.SUSPENSION,
            first_day=timezone.localdate(),
            last_day=None,
            user=world["nia"].user,
        )


def test_an_overlapping_pause_on_the_same_requirement_is_refused(world):
    pause_add(
        staff=world["nia"],
        requirements=[world["course"]],
        reason_code=pauses.SICKNESS,
        first_day=timezone.localdate(),
        last_day=days(10),
        user=world["hr"],
    )
    before = snapshot()
    with pytest.raises(PauseError, match="Fire safety is already paused"):
        pause_add(
            staff=world["nia"],
            requirements=None,
            reason_code=pauses.MATERNITY,
            first_day=days(5),
            last_day=None,
            user=world["hr"],
        )
    assert snapshot() == before


def test_ending_early_extending_and_withdrawing(world):
    pause = pause_add(
        staff=world["nia"],
        requirements=[world["course"]],
        reason_code=pauses.SECONDMENT,
        first_day=days(-5),
        last_day=None,
        user=world["hr"],
    )
    assert row(world).due_on is None and row(world).state(timezone.localdate()) == status.PAUSED
    ended = pause_change(
        staff=world["nia"],
        ref=pause.ref,
        reason_code=pauses.SECONDMENT,
        first_day=days(-5),
        last_day=days(-1),
        user=world["hr"],
    )
    # Back today, with the 5 paused days added to the 20 they had left.
    assert row(world).state(timezone.localdate()) != status.PAUSED and row(world).due_on == days(25)
    again = pause_change(
        staff=world["nia"],
        ref=pause.ref,
        reason_code=pauses.SECONDMENT,
        first_day=days(-5),
        last_day=days(-1),
        user=world["hr"],
    )
    assert again.ref == ended.ref  # a double-submitted change records one
    [standing] = pauses.pauses_for_staff(world["nia"])
    assert standing.ref == ended.ref and standing.last_day == days(-1)
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.VOID).count() == 1
    pause_withdraw(staff=world["nia"], ref=ended.ref, reason="Recorded against the wrong person", user=world["hr"])
    assert pauses.pauses_for_staff(world["nia"]) == [] and row(world).due_on == days(20)
    changes = list(
        AuditEvent.objects.filter(action=AuditEvent.PAUSE_CHANGED).order_by("pk").values_list("detail", flat=True)
    )
    assert [c["change"] for c in changes] == ["added", "changed", "withdrawn"]
    assert ledger.verify_chain().intact


def test_rebuild_equals_live_after_pauses(world):
    first = pause_add(
        staff=world["nia"],
        requirements=[world["course"]],
        reason_code=pauses.OTHER,
        reason_text="Jury service",
        first_day=days(-30),
        last_day=days(-20),
        user=world["hr"],
    )
    pause_add(
        staff=world["nia"],
        requirements=None,
        reason_code=pauses.SICKNESS,
        first_day=days(3),
        last_day=None,
        user=world["hr"],
    )
    pause_change(
        staff=world["nia"],
        ref=first.ref,
        reason_code=pauses.OTHER,
        reason_text="Jury service",
        first_day=days(-30),
        last_day=days(-15),
        user=world["hr"],
    )
    fields = ("staff_id", "requirement_id", "completed_on", "expires_on", "due_on", "paused_from", "paused_until")
    live = sorted(RequirementStatus.objects.values_list(*fields))
    RequirementStatus.objects.all().delete()
    projection.refresh()
    assert sorted(RequirementStatus.objects.values_list(*fields)) == live
    # As at now, the ledger gives the same.
    [(_, rows)] = list(statuses_as_at(Moment.now()))
    by_requirement = {r.requirement_id: r for r in rows}
    for _, requirement_id, _, _, due_on, paused_from, paused_until in live:
        got = by_requirement[requirement_id]
        assert (got.due_on, got.paused_from, got.paused_until) == (due_on, paused_from, paused_until)
