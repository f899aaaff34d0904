"""Staff attest that they have read and understood the exact published version of a policy."""

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portal.people.roles import staff_for_user

from . import status
from .models import EvidenceEntry, PolicySnapshot, Requirement, RequirementStatus
from .policy_versions import policy_changes_since
from .services import attestation_record


class AttestForm(forms.Form):
    confirm = forms.BooleanField(
        required=True, error_messages={"required": "Confirm that you have read and understood the policy"}
    )


def statement_for(snapshot: PolicySnapshot) -> str:
    return f"I have read and understood version {snapshot.version_label} of the {snapshot.title} and will follow it."


def _latest_snapshot(requirement: Requirement) -> PolicySnapshot | None:
    return PolicySnapshot.objects.filter(page_id=requirement.page_id).order_by("-created_at", "-pk").first()


def _no_staff_record(request):
    return render(request, "compliance/no_staff_record.html", status=200)


@require_GET
def attest_list(request):
    staff = staff_for_user(request.user)
    if staff is None:
        return _no_staff_record(request)
    today = timezone.localdate()
    rows = RequirementStatus.objects.filter(staff=staff, requirement__kind=Requirement.ATTEST_POLICY).select_related(
        "requirement", "evidence__snapshot"
    )
    items = [
        {
            "row": row,
            "state": row.state(today),
            "label": status.label(row.state(today), row.paused_until),
            "colour": status.TAG_COLOURS[row.state(today)],
        }
        for row in rows
    ]
    return render(request, "compliance/attest_list.html", {"items": items})


@require_http_methods(["GET", "POST"])
def attest(request, requirement_id: int):
    staff = staff_for_user(request.user)
    if staff is None:
        return _no_staff_record(request)
    row = get_object_or_404(
        RequirementStatus.objects.select_related("requirement", "evidence__snapshot"),
        staff=staff,
        requirement_id=requirement_id,
        requirement__kind=Requirement.ATTEST_POLICY,
    )
    snapshot = _latest_snapshot(row.requirement)
    if snapshot is None:
        raise Http404("This policy has not been published yet.")
    form = AttestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        entries = attestation_record(staff=staff, snapshot=snapshot, user=request.user)
        entry = next(e for e in entries if e.requirement_id == row.requirement_id)
        return redirect("attestation:done", entry_id=entry.pk)
    previous = row.evidence.snapshot if row.evidence and row.evidence.snapshot_id else None
    sections = policy_changes_since(previous, snapshot) if previous and previous.pk != snapshot.pk else []
    return render(
        request,
        "compliance/attest.html",
        {
            "row": row,
            "snapshot": snapshot,
            "statement": statement_for(snapshot),
            "form": form,
            "previous": previous if previous and previous.pk != snapshot.pk else None,
            "previous_entry": row.evidence,
            "sections": sections,
            "material_sections": [section for section in sections if section.material],
            "minor_sections": [section for section in sections if not section.material],
            "errors": [("id_confirm", e) for e in form.errors.get("confirm", [])],
        },
    )


@require_GET
def attest_done(request, entry_id: int):
    entry = get_object_or_404(
        EvidenceEntry.objects.select_related("snapshot", "requirement"),
        pk=entry_id,
        staff__user=request.user,
        source=EvidenceEntry.ATTESTATION,
    )
    return render(request, "compliance/attest_done.html", {"entry": entry, "statement": statement_for(entry.snapshot)})
