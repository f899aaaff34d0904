"""Reads for the staff-facing pages. Reports read the projection and the ledger; they never write evidence."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.compliance import status
from portal.compliance.models import EvidenceEntry, Requirement, RequirementStatus


def due_soon_days() -> int:
    return getattr(settings, "PORTAL_DUE_SOON_DAYS", 30)


@dataclass
class RequirementLine:
    row: RequirementStatus
    state: str

    @property
    def label(self) -> str:
        return status.LABELS[self.state]

    @property
    def colour(self) -> str:
        return status.TAG_COLOURS[self.state]

    @property
    def action(self) -> tuple[str, str] | None:
        """(link text, url) for what to do next, or None when nothing is due."""
        if self.state == status.COMPLIANT:
            return None
        requirement = self.row.requirement
        if requirement.kind == Requirement.ATTEST_POLICY:
            return ("Read and attest", reverse("attestation:attest", args=[requirement.pk]))
        if requirement.page_id:
            return ("Start the module" if not self.row.completed_on else "Do the module again", requirement.page.url)
        return ("Upload your certificate", reverse("certificates:upload") + f"?requirement={requirement.pk}")


def requirement_lines_for_staff(staff) -> list[RequirementLine]:
    today = timezone.localdate()
    rows = (
        RequirementStatus.objects.filter(staff=staff, requirement__active=True)
        .select_related("requirement", "requirement__page")
        .order_by("due_on", "requirement__name")
    )
    order = {status.OVERDUE: 0, status.DUE_SOON: 1, status.NOT_STARTED: 2, status.COMPLIANT: 3}
    lines = [RequirementLine(row, row.state(today, due_soon_days())) for row in rows]
    return sorted(lines, key=lambda line: (order.get(line.state, 9), line.row.due_on or today))


def evidence_history_for_staff(staff):
    return (
        EvidenceEntry.objects.filter(staff=staff)
        .select_related("requirement", "snapshot", "recorded_by", "voids")
        .prefetch_related("voided_by")
        .order_by("-recorded_at", "-seq")
    )
