"""People upload certificates for external courses; HR verifies them."""

from io import BytesIO

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.audit.models import AuditEvent
from portal.audit.services import REFUSAL_AUDITED, audit_record
from portal.lib.forms import REASON_MAX_LENGTH, DayMonthYearField
from portal.people.decorators import hr_required
from portal.people.hr_roles import hr_colleague_can_sign_in
from portal.people.roles import is_hr, staff_for_user

from .certificate_emails import decision_email_unsent
from .certificate_files import served_kind
from .certificates import (
    MAX_BYTES,
    CertificateError,
    CertificateMoved,
    FileChanged,
    certificate_decide,
    certificate_file_read,
    certificate_upload,
    sha256_grouped,
)
from .models import Certificate, Requirement
from .views_no_staff_record import no_staff_record


class UploadForm(forms.Form):
    requirement = forms.ModelChoiceField(
        queryset=Requirement.objects.none(),
        empty_label=None,
        label="Which course is the certificate for?",
        error_messages={"required": "Select the course the certificate is for"},
    )
    completed_on = DayMonthYearField(
        label="When did you complete the course?",
        label_in_errors="the date you completed the course",
        help_text="As on the certificate, for example 27 3 2026",
    )
    file = forms.FileField(
        label="Upload the certificate",
        help_text="A PDF, PNG or JPEG, smaller than 5 MB",
        error_messages={"required": "Select the certificate file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = Requirement.objects.filter(
            kind=Requirement.EXTERNAL_COURSE, statuses__staff=staff
        ).order_by("name")

    def clean_file(self):
        # The form keeps only the last of several files sent under one name: which one HR would check is no one's
        # choice, so none is taken.
        sent = self.files.getlist(self.add_prefix("file")) if hasattr(self.files, "getlist") else []
        if len(sent) > 1:
            raise forms.ValidationError("Select one certificate file: upload each certificate on its own")
        # The size the upload parser counted, before anything reads the file into memory.
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5 MB")
        return upload


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why are you rejecting it?",
        max_length=REASON_MAX_LENGTH,  # as `certificate_decide` allows; the queue's boxes stop there
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for rejecting the certificate"},
    )


@require_GET
def my_certificates(request):
    staff = staff_for_user(request.user)
    if staff is None:
        return no_staff_record(request)
    certificates = Certificate.objects.filter(staff=staff).select_related("requirement").order_by("-uploaded_at")
    return render(request, "compliance/certificates.html", {"certificates": certificates})


@require_http_methods(["GET", "POST"])
def upload(request):
    staff = staff_for_user(request.user)
    if staff is None:
        return no_staff_record(request)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, staff=staff)
    else:
        form = UploadForm(staff=staff, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            certificate_upload(
                staff=staff,
                requirement=form.cleaned_data["requirement"],
                data=upload.read(),
                filename=upload.name,
                completed_on=form.cleaned_data["completed_on"],
                user=request.user,
            )
        except CertificateError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, "Certificate uploaded. HR will check it and you will see the result here.")
            return redirect("certificates:mine")
    return render(request, "compliance/certificate_upload.html", {"form": form})


@require_GET
def certificate_file(request, certificate_id: int):
    certificate = get_object_or_404(Certificate.objects.select_related("staff"), pk=certificate_id)
    if certificate.staff.user_id != request.user.pk:
        # Someone else's: HR's opening it is audited; anyone else is refused as for a certificate that does not exist
        # (the page does not say it does), and the refusal's line names whose it was.
        allowed = is_hr(request.user)
        audit_record(
            request=request,
            actor=request.user,
            action=AuditEvent.VIEW_CERTIFICATE if allowed else AuditEvent.REFUSED,
            scope=f"{certificate.staff}: uploaded certificate {certificate.pk}",
            staff_id=certificate.staff_id,
            certificate_id=certificate.pk,
        )
        if not allowed:
            setattr(request, REFUSAL_AUDITED, True)
            raise Http404("No certificate matches the given query.")
    try:
        data = certificate_file_read(certificate)
    except FileNotFoundError as error:
        raise Http404("The file is missing.") from error
    except FileChanged as changed:
        return _file_changed(request, changed)
    except CertificateMoved as moved:
        return _certificate_moved(request, moved)
    content_type, extension = served_kind(data)
    response = FileResponse(
        BytesIO(data),
        content_type=content_type,
        as_attachment=True,
        filename=f"certificate-{certificate.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _file_changed(request, changed: FileChanged):
    """The stored file is not the one uploaded or verified: nobody is shown it, and the refusal is audited (whoever
    asked, the person included) with both hashes."""
    context = {
        "verified": changed.entry is not None,
        "expected": sha256_grouped(changed.expected),
        "found": sha256_grouped(changed.found),
    }
    detail = {
        "entry_seq": changed.entry.seq if changed.entry else None,
        "expected_sha256": changed.expected,
        "found_sha256": changed.found,
    }
    return _refused(request, changed.certificate, "the stored file has changed", str(changed), context, detail)


def _certificate_moved(request, moved: CertificateMoved):
    """The certificate's row no longer names the person or requirement its verification recorded: nobody is shown
    the file (it may be another person's), and the refusal is audited."""
    return _refused(
        request, moved.certificate, "its record has changed", str(moved), {"moved": True}, {"problem": str(moved)}
    )


def _refused(request, certificate: Certificate, why: str, problem: str, context: dict, detail: dict):
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.VIEW_CERTIFICATE,
        scope=f"{certificate.staff}: uploaded certificate {certificate.pk}: refused, {why}",
        staff_id=certificate.staff_id,
        certificate_id=certificate.pk,
        refused=True,
        **detail,
    )
    context = {"certificate": certificate, "problem": problem, "is_hr": is_hr(request.user), **context}
    return render(request, "compliance/certificate_file_changed.html", context, status=409)


@hr_required
@require_GET
def queue(request):
    pending = list(
        Certificate.objects.filter(status=Certificate.PENDING)
        .select_related("staff", "staff__team", "requirement")
        .order_by("uploaded_at")
    )
    # Their own certificate waits for a colleague: said with the way out when none can sign in (one query, then only)
    own = any(certificate.staff.user_id == request.user.pk for certificate in pending)
    alone = own and not hr_colleague_can_sign_in(request.user.pk)
    context = {"pending": pending, "reject_form": RejectForm(), "today": timezone.localdate(), "alone": alone}
    return render(request, "compliance/certificate_queue.html", context)


@hr_required
@require_POST
def decide(request, certificate_id: int):
    certificate = get_object_or_404(Certificate.objects.select_related("staff"), pk=certificate_id)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):  # anything else was read as a rejection
        messages.error(request, f"{certificate.staff.full_name}: choose Verify or Reject. Nothing was changed.")
        return redirect("certificates:queue")
    approve = decision == "approve"
    reason = request.POST.get("reason", "")
    try:
        decided = certificate_decide(
            certificate=certificate, reviewer=request.user, approve=approve, reason=reason, request=request
        )
    except CertificateError as error:
        messages.error(request, f"{certificate.staff.full_name}: {error}")
    else:
        verb = "verified" if approve else "rejected"
        messages.success(request, f"{certificate.staff.full_name}'s certificate {verb}.")
        if decision_email_unsent(decided):  # the decision stands: the person sees it on their certificates page
            messages.warning(
                request,
                f"{certificate.staff.full_name} could not be emailed that their certificate was {verb}: the email "
                "server did not take it. They can see it on their certificates page; tell them yourself if it cannot "
                "wait.",
            )
    return redirect("certificates:queue")
