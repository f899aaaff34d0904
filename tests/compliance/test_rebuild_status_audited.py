"""`manage.py rebuild_status` rebuilds the status table through the one gate (`services.status_rebuild`) and leaves a
line in the audit log, as every other change to standing does: that the status was rebuilt, how many rows changed,
the rows and runs in all, and that the command line did it. It wrote nothing to the audit log."""

from io import StringIO

from django.core.management import call_command

from portal.audit.models import AuditEvent
from portal.compliance import projection
from portal.compliance.models import RequirementStatus, StatusInterval
from tests import factories
from tests.command_line import command_line_by


def _table():
    rows = RequirementStatus.objects.order_by("staff_id", "requirement_id")
    runs = StatusInterval.objects.order_by("staff_id", "requirement_id", "valid_from")
    return (
        list(rows.values_list("staff_id", "requirement_id", "evidence_id", "completed_on", "expires_on", "due_on")),
        list(runs.values_list("staff_id", "requirement_id", "valid_from", "valid_to", "state", "compliant")),
    )


def test_the_rebuild_writes_one_audit_line_with_its_figures_and_leaves_the_status_as_it_was(staff, record):
    factories.make_staff()  # a second person, required to do it and not done
    record("done")
    projection.refresh()  # what the command did before: the table as the ledger and the roster give it
    kept = _table()
    RequirementStatus.objects.filter(staff=staff).delete()  # one row lost: the rebuild writes it again
    before = AuditEvent.objects.count()

    out = StringIO()
    call_command("rebuild_status", stdout=out)

    assert _table() == kept
    rows, runs = RequirementStatus.objects.count(), StatusInterval.objects.count()
    assert out.getvalue().startswith(f"Status rebuilt: 1 rows changed, {rows} rows in all, {runs} runs in effective")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action=AuditEvent.STATUS_REBUILT)
    assert event.actor is None
    assert event.actor_name == command_line_by("rebuild_status")
    assert event.scope == "Everyone's status on every requirement"
    assert event.detail == {"changed": 1, "rows": rows, "runs": runs}
    assert (rows, runs) == (2, len(kept[1])) and runs > 0


def test_a_rebuild_that_changes_nothing_is_audited_too(staff, record):
    record("done")  # through the service: the status already follows the ledger
    call_command("rebuild_status", stdout=StringIO())
    call_command("rebuild_status", stdout=StringIO())
    rebuilt = AuditEvent.objects.filter(action=AuditEvent.STATUS_REBUILT).order_by("pk")
    assert [detail["changed"] for detail in rebuilt.values_list("detail", flat=True)] == [0, 0]
