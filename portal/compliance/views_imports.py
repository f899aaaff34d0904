"""HR imports files (a staff roster, e-learning completions, the organisation's teams): upload, dry run, apply in the
background with progress on the batch's page. One set of pages for every kind (portal.compliance.imports)."""

import re

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.people.decorators import hr_required

from .completions import completions_listing_csv
from .imports.base import importer_for, importers
from .imports.roster import emails_unsent
from .imports.senders import sender_refusal
from .imports.services import (
    ImportRefused,
    import_batch_apply,
    import_batch_create,
    import_batch_dry_run,
    import_batch_emails_send_again,
    import_batch_plan,
)
from .mappings import MappingError, competence_mapping_save
from .models import CompetenceMapping, ImportBatch, Requirement

# What a list of recent imports does not read: a roster's summary holds its dry run (every rejected row, for one)
LISTED_WITHOUT = ("summary", "error")
# An apply whose form names a dry run by something that cannot be one (a page not the portal's, or altered)
NOT_A_DRY_RUN = (
    "Not applied: the form did not say which dry run it was applied from. Open this page again and apply the file "
    "from the dry run it shows. Nothing was changed."
)


class ImportUploadForm(forms.Form):
    file = forms.FileField()
    sheet = forms.CharField(
        required=False,
        max_length=31,  # Excel's longest sheet name
        label="Sheet (Excel files only, optional)",
        help_text="Leave blank to read the first sheet Excel shows (a hidden sheet is passed over)",
        error_messages={"max_length": "A sheet name is at most 31 characters"},
    )
    strict = forms.BooleanField(
        required=False, label="Treat people who are not on the roster as errors (nothing is recorded until fixed)"
    )

    def __init__(self, *args, importer, **kwargs):
        super().__init__(*args, **kwargs)
        self.importer = importer
        field = self.fields["file"]
        field.label = f"Upload the {importer.noun} (CSV or Excel)"
        field.help_text = importer.help_text
        field.error_messages = {
            **field.error_messages,
            "required": f"Select the {importer.file_noun}",
            "empty": "The selected file is empty",
        }
        if importer.kind != ImportBatch.COMPLETIONS:
            del self.fields["strict"]
        if importer.kind == ImportBatch.ORGANISATION:
            del self.fields["sheet"]

    def options(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("sheet", "strict") if name in self.fields}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        megabytes = self.importer.max_bytes // (1024 * 1024)
        if upload.size > self.importer.max_bytes:
            raise forms.ValidationError(f"The selected file must be smaller than {megabytes} MB")
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError("The selected file must be a CSV or Excel (.xlsx) file")
        return upload


def importable_requirements():
    """The requirements imported completions may count towards: active external courses."""
    return Requirement.objects.filter(active=True, kind=Requirement.EXTERNAL_COURSE).order_by("name")


class MappingForm(forms.Form):
    competence = forms.CharField(
        max_length=CompetenceMapping._meta.get_field("competence_name").max_length,
        error_messages={"required": "Name the course to map", "max_length": "The course name is too long"},
    )
    requirement = forms.ModelChoiceField(
        queryset=importable_requirements(),
        error_messages={
            "required": "Choose the requirement this course counts towards",
            "invalid_choice": "Choose a requirement from the list",
        },
    )


def _importer_or_404(kind: str):
    try:
        return importer_for(kind)
    except LookupError as error:
        raise Http404(str(error)) from error


@hr_required
@require_GET
def index(request):
    batches = ImportBatch.objects.select_related("uploaded_by").defer(*LISTED_WITHOUT)[:20]
    return render(request, "imports/index.html", {"importers": importers().values(), "batches": batches})


@hr_required
@require_http_methods(["GET", "POST"])
def upload(request, kind: str):
    importer = _importer_or_404(kind)
    bound = request.method == "POST"
    form = ImportUploadForm(request.POST if bound else None, request.FILES if bound else None, importer=importer)
    if bound and form.is_valid():
        file = form.cleaned_data["file"]
        batch, _ = import_batch_create(
            kind=kind, data=file.read(), filename=file.name, user=request.user, options=form.options()
        )
        return redirect("imports:batch", batch_id=batch.pk)
    batches = ImportBatch.objects.filter(kind=kind).select_related("uploaded_by").defer(*LISTED_WITHOUT)[:10]
    return render(request, "imports/upload.html", {"form": form, "importer": importer, "batches": batches})


@hr_required
@require_GET
def batch(request, batch_id: int):
    """The dry run while the file waits (or after a failure, or once applying it has stopped, to finish it); progress
    while it applies (the page refreshes itself through a link, not a script); the outcome once done. Only a waiting
    file has its dry run shown: the one kept when it was planned (`import_batch_dry_run`). A file an API
    client sent that the client may no longer apply (revoked since, its token's holder gone from HR, its rows no longer
    in its teams) is not planned: applying it again would be refused the same way, so the page says why in place of
    the button."""
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    importer = importer_for(batch.kind)
    waiting = batch.status in {ImportBatch.PLANNED, ImportBatch.FAILED} or batch.stalled
    sender_refused = sender_refusal(batch) if waiting else ""
    waiting = waiting and not sender_refused
    plan = import_batch_dry_run(batch, viewer=request.user) if waiting else None  # their own rows: refused, by line
    context = {"batch": batch, "importer": importer, "plan": plan, "sender_refused": sender_refused}
    if batch.kind == ImportBatch.ROSTER:
        context["emails_unsent"] = emails_unsent(batch)  # the button's count: a notice goes to one address or two
    if plan is not None and batch.kind == ImportBatch.COMPLETIONS and plan["skipped"]:
        context["requirements"] = importable_requirements()
    return render(request, "imports/batch.html", context)


@hr_required
@require_GET
def planned_csv(request, batch_id: int):
    """The completions the dry run would record, one row each, as CSV (a spreadsheet-safe one: no cell starts a
    formula)."""
    batch = get_object_or_404(ImportBatch, pk=batch_id, kind=ImportBatch.COMPLETIONS)
    plan = import_batch_plan(batch, viewer=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="to-record-{batch.pk}.csv"'
    completions_listing_csv(plan, response)
    return response


@hr_required
@require_POST
def apply(request, batch_id: int):
    """Apply a file, from the dry run the page showed (`dry_run`, its fingerprint): the apply is made only if the file,
    planned again, would do just that. A form without it (a page from before the dry run was kept, or one made by
    hand) is held to the dry run kept on the batch, which is what the page shows: else it would apply whatever the
    file does now, shown to no one."""
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    dry_run = request.POST.get("dry_run", "") or batch.summary.get("dry_run", {}).get("fingerprint", "")
    try:
        if dry_run and not _fingerprint(dry_run):
            raise ImportRefused(NOT_A_DRY_RUN)
        import_batch_apply(
            batch=batch,
            user=request.user,
            request=request,
            confirmed_identity=_fingerprint(request.POST.get("confirm_identity_changes", "")),
            dry_run=dry_run,
        )
    except ImportRefused as error:
        messages.error(request, str(error))
    return redirect("imports:batch", batch_id=batch.pk)


@hr_required
@require_POST
def send_again(request, batch_id: int):
    """The applied roster's button: send again the emails it could not send (its new people's invitations, notices
    of a changed sign-in email). The roster itself is saved whatever the email server does."""
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    try:
        if not import_batch_emails_send_again(batch=batch, user=request.user, request=request):
            messages.info(request, "Every email this import sends has been sent: there is nothing to send again.")
    except ImportRefused as error:
        messages.error(request, str(error))
    return redirect("imports:batch", batch_id=batch.pk)


def _fingerprint(value: str) -> str:
    """The identity changes' fingerprint the checkbox carries, or the dry run's the form does (hex): anything else
    confirms nothing, so the apply is refused with the reason, and nothing of it reaches the database (PostgreSQL
    refuses a NUL in text)."""
    return value if re.fullmatch(r"[0-9a-f]{1,64}", value) else ""


@hr_required
@require_POST
def map_competence(request, batch_id: int):
    batch = get_object_or_404(ImportBatch, pk=batch_id, kind=ImportBatch.COMPLETIONS)
    form = MappingForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("imports:batch", batch_id=batch.pk)
    name, requirement = form.cleaned_data["competence"], form.cleaned_data["requirement"]
    try:
        competence_mapping_save(competence=name, requirement=requirement, user=request.user, not_yet_mapped=True)
    except MappingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{name}” now counts towards {requirement.name}.")
    return redirect("imports:batch", batch_id=batch.pk)
