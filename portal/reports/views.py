from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.compliance.models import EvidenceEntry, VerificationCode
from portal.compliance.policy_versions import policy_change_notices_for_staff
from portal.compliance.views_no_staff_record import no_staff_record
from portal.lib.links import portal_url
from portal.people.roles import is_hr, staff_for_user

from .certificates import certificate_facts, issued_facts, normalise_code, verification_code_for
from .learning import module_list_url
from .selectors import evidence_history_for_staff, requirement_lines_for_staff


@require_GET
def my_training(request):
    staff = staff_for_user(request.user)
    if staff is None:
        return no_staff_record(request)
    return render(
        request,
        "reports/my_training.html",
        {
            "staff": staff,
            "lines": requirement_lines_for_staff(staff, timezone.localdate(), learning_for=request.user),
            "history": evidence_history_for_staff(staff),
            "policy_changes": policy_change_notices_for_staff(staff),
            "module_list_url": module_list_url(),
        },
    )


@require_GET
def certificate_pdf(request, entry_id: int):
    entry = _get_entry_for_certificate(request.user, entry_id)
    if entry.staff.user_id != request.user.pk:
        audit_record(
            request=request,
            actor=request.user,
            action=AuditEvent.VIEW_CERTIFICATE,
            scope=f"{entry.staff}: completion certificate for {entry.requirement}",
            staff_id=entry.staff_id,
            entry_id=entry.pk,
        )
    # Imported here: the PDF libraries take a fifth of a second to load, in every process (each command, each web
    # worker) that loads the URLconf, most of which never make a PDF.
    from .pdf import certificate_name, render_pdf

    verification = verification_code_for(entry)
    code = verification.code
    facts = issued_facts(verification)
    pdf = render_pdf(
        "reports/certificate_pdf.html",
        {
            "facts": facts,
            "name": certificate_name(facts.name),
            "code": code,
            "issued_on": timezone.localdate(verification.created_at),
            # The address staff know the portal by (PORTAL_BASE_URL), as in emails: printed, it outlives this request,
            # whose host may be a proxy's or a server's own name.
            "verify_url": portal_url(reverse("reports:verify", args=[code])),
            "organisation_name": settings.PORTAL_ORGANISATION_NAME,
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _get_entry_for_certificate(user, entry_id: int) -> EvidenceEntry:
    """The person's own completion or attestation, or anyone's for HR. Everyone else gets a 404, as do corrections,
    pauses and withdrawn entries: a certificate is only ever issued for something that still stands."""
    entries = EvidenceEntry.objects.select_related("staff", "requirement", "snapshot").exclude(
        source__in=[EvidenceEntry.VOID, EvidenceEntry.PAUSE]
    )
    if not is_hr(user):
        entries = entries.filter(staff__user=user)
    entry = get_object_or_404(entries, pk=entry_id, completed_at__isnull=False)
    if entry.voided_by.exists():
        raise Http404("This completion has been withdrawn.")
    return entry


@login_not_required
@require_GET
def verify(request, code: str):
    """Public: whoever holds a code may check it. Shows what the certificate itself shows, as it was issued, and what
    has changed since about the training it certifies: a new renewal period, a new name for the training, a correction
    that withdrew it. Never the person's name now: a renamed person's new name is not the certificate's to tell."""
    verification = (
        VerificationCode.objects.select_related("entry__staff", "entry__requirement", "entry__snapshot")
        .filter(code=normalise_code(code))
        .first()
    )
    if verification is None:
        response = render(request, "reports/verify.html", status=404)
    else:
        entry = verification.entry
        now = certificate_facts(entry)
        context = {
            "code": verification.code,
            "facts": issued_facts(verification),
            "issued_on": timezone.localdate(verification.created_at),
            "now": now,
            "expiry_changed": now.expires_on != verification.expires_on,
            "renamed": now.requirement != verification.requirement_name,
            "withdrawn": entry.voided_by.exists(),
            "today": timezone.localdate(),
        }
        response = render(request, "reports/verify.html", context)
    response["X-Robots-Tag"] = "noindex"  # names of staff: not for search engines
    return response
