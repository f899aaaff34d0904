"""HR corrects the record: a ledger entry recorded in error is voided, with a reason, by a new entry."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from portal.lib.forms import RecordedReasonField
from portal.people.decorators import hr_required
from portal.people.hr_roles import ask_another_hr

from .certificate_emails import decision_email_unsent
from .models import EvidenceEntry
from .services import EvidenceError, evidence_void


class VoidForm(forms.Form):
    reason = RecordedReasonField(
        label="Why is this entry wrong?",
        help_text="For example, the completion was imported against the wrong person. The person and their manager "
        "will see this reason.",
        required_message="Give the reason for voiding this entry",
    )


@hr_required
@require_http_methods(["GET", "POST"])
def void(request, entry_id: int):
    entry = get_object_or_404(_voidable(), pk=entry_id)
    correction = entry.voided_by.select_related("recorded_by").first()
    own = entry.staff.user_id == request.user.pk
    if correction is not None and request.method == "POST":  # a second click of the button: nothing more to do
        messages.success(request, "This entry was already voided. Nothing more was recorded.")
        return redirect("reports:team_person", entry.staff_id)
    form = VoidForm(request.POST if request.method == "POST" and not own else None)
    if form.is_bound and form.is_valid():
        try:
            made = evidence_void(
                entry=entry, reason=form.cleaned_data["reason"], voided_by=request.user, request=request
            )
        except EvidenceError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, f"Entry voided. {entry.staff.full_name}'s status has been updated.")
            if decision_email_unsent(made):  # a certificate's verification withdrawn: the withdrawal stands
                messages.warning(request, _withdrawal_not_emailed(entry.staff))
            return redirect("reports:team_person", entry.staff_id)
    refusal = ask_another_hr(request.user.pk, "You cannot void your own evidence", "void it") if own else ""
    context = {"entry": entry, "correction": correction, "own": refusal, "form": form}
    refused = 403 if own and request.method == "POST" else 400 if form.errors else 200
    return render(request, "compliance/evidence_void.html", context, status=refused)


def _withdrawal_not_emailed(staff) -> str:
    return (
        f"{staff.full_name} could not be emailed that the verification of their certificate was withdrawn: the email "
        "server did not take it. They can see it, with your reason, on their certificates page; tell them yourself "
        "if it cannot wait."
    )


def _voidable():
    """Entries a correction may void: anything but a correction itself."""
    voidable = EvidenceEntry.objects.exclude(source=EvidenceEntry.VOID)
    return voidable.select_related("staff", "requirement", "snapshot", "recorded_by")
