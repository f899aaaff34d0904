"""HR imports the staff roster: upload, dry run, apply. (Applying changes people's standing, so it goes through
compliance: portal.compliance.roster.)"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.people.decorators import hr_required
from portal.people.models import RosterBatch
from portal.people.roster import roster_batch_create, roster_batch_plan

from .roster import roster_batch_apply

MAX_BYTES = 5 * 1024 * 1024


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the roster (CSV)",
        help_text="An ESR staff list saved as CSV, smaller than 5 MB",
        error_messages={"required": "Select the roster file", "empty": "The selected file is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5 MB")
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("The selected file must be a CSV file")
        return upload


@hr_required
@require_http_methods(["GET", "POST"])
def roster_upload(request):
    form = RosterUploadForm(request.POST, request.FILES) if request.method == "POST" else RosterUploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch, _ = roster_batch_create(data=upload.read(), filename=upload.name, user=request.user)
        return redirect("people:roster_batch", batch_id=batch.pk)
    batches = RosterBatch.objects.select_related("uploaded_by")[:10]
    return render(request, "people/roster_upload.html", {"form": form, "batches": batches})


@hr_required
@require_GET
def roster_batch(request, batch_id: int):
    batch = get_object_or_404(RosterBatch, pk=batch_id)
    plan = roster_batch_plan(batch) if not batch.applied_at else None
    return render(request, "people/roster_batch.html", {"batch": batch, "plan": plan})


@hr_required
@require_POST
def roster_apply(request, batch_id: int):
    batch = get_object_or_404(RosterBatch, pk=batch_id)
    try:
        plan = roster_batch_apply(batch=batch, user=request.user, request=request)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("people:roster_batch", batch_id=batch.pk)
    summary = plan.summary
    messages.success(
        request,
        f"Roster applied: {summary['created']} people added, {summary['changed']} changed, "
        f"{summary['leavers']} marked as leavers. New people have been emailed an invitation.",
    )
    return redirect("people:roster_batch", batch_id=batch.pk)
