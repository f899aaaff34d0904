"""Bringing people's status in step after a change that touches many: a requirement or a round (in the request for a
few people, in the task worker for many), and the whole table rebuilt from the ledger."""

from django.db import transaction

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.people.models import StaffMember

from .. import ledger, projection
from ..models import Requirement, RequirementStatus, StatusInterval

# A requirement change or a re-attestation round touching more people than this refreshes their status in the task
# worker, not the request.
REFRESH_IN_BACKGROUND_OVER = 500


def requirement_status_refresh(*, requirement_id: int, chunk: int = 500) -> int:
    """Bring everyone's status on one requirement in step with it (the background half of `requirement_save`), a
    chunk of people at a time, each under the ledger's lock: a submission waits for one chunk at most, and none
    recorded meanwhile is overwritten. Returns the rows written."""
    staff_ids = list(StaffMember.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(staff_ids), chunk):
        with transaction.atomic():
            people_hold(staff_ids[start : start + chunk])
            written += projection.refresh(staff_ids=staff_ids[start : start + chunk], requirement_ids=[requirement_id])
    return written


def status_rebuild(*, user, via: str = "") -> dict:
    """Rebuild the status table whole (one row per person and requirement, and its runs in effective time) from the
    ledger and the roster, under the lock every ledger append takes, so that no fact recorded meanwhile is lost; and
    record it in the audit log, in the same transaction. `via` names a door without a user ("the command line
    (manage.py rebuild_status)"). Returns the rows that changed (`changed`) and the rows and runs in all."""
    with transaction.atomic():
        ledger.everyone_lock()  # no fact recorded between reading the ledger and writing the status it gives
        figures = {
            "changed": projection.refresh(),
            "rows": RequirementStatus.objects.count(),
            "runs": StatusInterval.objects.count(),
        }
        audit_record(
            actor=user if getattr(user, "pk", None) else via or "the command line",
            action=AuditEvent.STATUS_REBUILT,
            scope="Everyone's status on every requirement",
            **figures,
        )
    return figures


def people_hold(staff_ids) -> None:
    """Take the lock every ledger append takes on its person (`ledger.people_lock`), until the transaction ends: no
    completion of theirs can be recorded, and its status row written, between reading the ledger here and writing
    the rows computed from it."""
    ledger.people_lock(staff_ids)


def status_refresh_for(requirement: Requirement, staff_ids: set[int]) -> bool:
    """Refresh `staff_ids`' status on `requirement`; True if that was left to the task worker."""
    if not staff_ids:
        return False
    if len(staff_ids) <= REFRESH_IN_BACKGROUND_OVER:
        people_hold(staff_ids)
        projection.refresh(staff_ids=staff_ids, requirement_ids=[requirement.pk])
        return False
    from ..tasks import requirement_status_refresh_task

    # After the commit, so that the worker reads the requirement as saved here.
    transaction.on_commit(lambda: requirement_status_refresh_task.enqueue(requirement.pk))
    return True
