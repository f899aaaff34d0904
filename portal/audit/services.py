import datetime

from .models import AuditEvent


def audit_record(*, actor, action: str, scope: str, as_at: datetime.date | None = None, **detail) -> AuditEvent:
    """Write one line of the audit log. `detail` holds identifiers (staff_id, team_id, format) for searching."""
    name = getattr(actor, "display_name", "") or getattr(actor, "email", "") or str(actor)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=name,
        action=action,
        scope=scope[:300],
        as_at=as_at,
        detail=detail,
    )
