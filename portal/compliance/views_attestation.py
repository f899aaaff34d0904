"""Staff attest that they have read and understood the exact published version of a policy."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portal.lib.page_privacy import asks_second_factor, privacy_to_check, restrictions_refusing
from portal.people.roles import staff_for_user

from . import status
from .models import EvidenceEntry, PolicySnapshot, Requirement, RequirementStatus
from .policy_versions import policy_changes_since
from .services import attestation_record
from .views_no_staff_record import no_staff_record


class AttestForm(forms.Form):
    """The tick, and the version of the policy the page showed (a hidden field): a tick counts only for the version
    the person read, so one given while a newer version was published (or in a tab opened before it) is refused and
    the page shown again for the newer one, with what changed since the version they were reading."""

    confirm = forms.BooleanField(
        required=True, error_messages={"required": "Confirm that you have read and understood the policy"}
    )
    snapshot = forms.Field(required=False, widget=forms.HiddenInput)  # as sent: any text, checked below

    def __init__(self, data=None, *, latest: PolicySnapshot):
        super().__init__(data)
        self.latest = latest
        self.version_read: PolicySnapshot | None = None  # an earlier version the page showed, once refused

    def clean_snapshot(self) -> PolicySnapshot:
        shown = str(self.cleaned_data["snapshot"] or "")
        if shown == str(self.latest.pk):  # no query: the view has read the latest version already
            return self.latest
        label = self.latest.version_label
        if shown.isascii() and shown.isdigit() and len(shown) < 19:  # a primary key fits in 63 bits
            self.version_read = PolicySnapshot.objects.filter(page_id=self.latest.page_id, pk=int(shown)).first()
        if self.version_read is None:  # none sent, or not a version of this policy
            raise ValidationError(
                f"We could not tell which version of this policy you read. Read version {label}, then attest."
            )
        raise ValidationError(
            f"Version {label} of this policy was published while you were reading version "
            f"{self.version_read.version_label}. Read what has changed, then attest again."
        )


def statement_for(snapshot: PolicySnapshot) -> str:
    return f"I have read and understood version {snapshot.version_label} of the {snapshot.title} and will follow it."


def _latest_snapshot(requirement: Requirement) -> PolicySnapshot | None:
    return PolicySnapshot.objects.filter(page_id=requirement.page_id).order_by("-created_at", "-pk").first()


@require_GET
def attest_list(request):
    staff = staff_for_user(request.user)
    if staff is None:
        return no_staff_record(request)
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
        return no_staff_record(request)
    row = get_object_or_404(
        RequirementStatus.objects.select_related("requirement", "evidence__snapshot").annotate(
            **privacy_to_check(OuterRef("requirement__page__path"))
        ),
        staff=staff,
        requirement_id=requirement_id,
        requirement__kind=Requirement.ATTEST_POLICY,
    )
    private = _private_policy(request, row)
    if private:
        return private
    snapshot = _latest_snapshot(row.requirement)
    if snapshot is None:
        raise Http404("This policy has not been published yet.")
    form = AttestForm(request.POST if request.method == "POST" else None, latest=snapshot)
    if request.method == "POST" and form.is_valid():
        entries = attestation_record(staff=staff, snapshot=form.cleaned_data["snapshot"], user=request.user)
        entry = next(e for e in entries if e.requirement_id == row.requirement_id)
        return redirect("attestation:done", entry_id=entry.pk)
    attested = row.evidence.snapshot if row.evidence and row.evidence.snapshot_id else None
    previous = form.version_read or attested  # what changed since the version they were reading, when refused
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
            "reading": form.version_read,
            "sections": sections,
            "material_sections": [section for section in sections if section.material],
            "minor_sections": [section for section in sections if not section.material],
            "errors": _errors(form),
        },
    )


def _private_policy(request, row: RequirementStatus):
    """The policy is behind Wagtail's privacy (a view restriction on its page or a page above it) and does not let
    the person in, as Wagtail judges it when serving the page: neither its text nor an attestation of it, on this
    door either. A password not yet given in this session, or the second factor a privileged person's session has
    not proved (for a policy kept for groups that would let them in: `page_privacy.asks_second_factor`), sends a GET
    to the policy page, where they are asked for it (and, once given, may attest here too); otherwise a page saying
    the policy is private and why, and, for a POST, that nothing was recorded. None if the policy lets them in."""
    if not (row.restricted_above or row.aliased_above):  # read with the row: no query for a policy nobody restricted
        return None
    page = row.requirement.page
    refusing = restrictions_refusing(request, page)
    if not refusing:
        return None
    asks_password = all(restriction.restriction_type == restriction.PASSWORD for restriction in refusing)
    second_factor = not asks_password and asks_second_factor(request, refusing)
    url = page.get_url(request)
    if (asks_password or second_factor) and request.method == "GET" and url:
        return redirect(url)
    context = {"policy": page, "policy_url": url, "asks_password": asks_password, "asks_second_factor": second_factor}
    return render(
        request, "compliance/attest_private.html", {**context, "posted": request.method == "POST"}, status=403
    )


def _errors(form: AttestForm) -> list[tuple[str, str]]:
    """A version published meanwhile is the one problem to tell (ticking again is part of reading it), linked to the
    policy's text: what changed first, then the version in full."""
    if "snapshot" in form.errors:
        return [("policy-text", message) for message in form.errors["snapshot"]]
    return [("id_confirm", message) for message in form.errors.get("confirm", [])]


@require_GET
def attest_done(request, entry_id: int):
    entry = get_object_or_404(
        EvidenceEntry.objects.select_related("snapshot", "requirement"),
        pk=entry_id,
        staff__user=request.user,
        source=EvidenceEntry.ATTESTATION,
    )
    return render(request, "compliance/attest_done.html", {"entry": entry, "statement": statement_for(entry.snapshot)})
