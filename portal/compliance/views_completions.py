"""HR imports completions from the national e-learning records: upload, map competences, dry run, apply."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.people.decorators import hr_required

from .completions import (
    MappingError,
    competence_mapping_save,
    completion_batch_apply,
    completion_batch_create,
    completion_batch_plan,
)
from .models import CompetenceMapping, CompletionBatch, Requirement

MAX_BYTES = 20 * 1024 * 1024


class CompletionUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the completions file (CSV)",
        help_text="An ESR Compliance and Competency export saved as CSV, smaller than 20 MB",
        error_messages={"required": "Select the completions file", "empty": "The selected file is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("The selected file must be a CSV file")
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


@hr_required
@require_http_methods(["GET", "POST"])
def upload(request):
    form = CompletionUploadForm(request.POST, request.FILES) if request.method == "POST" else CompletionUploadForm()
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        batch, _ = completion_batch_create(data=file.read(), filename=file.name, user=request.user)
        return redirect("completions:batch", batch_id=batch.pk)
    return render(request, "compliance/completions_upload.html", {"form": form})


@hr_required
@require_GET
def batch(request, batch_id: int):
    batch = get_object_or_404(CompletionBatch, pk=batch_id)
    plan = None if batch.applied_at else completion_batch_plan(batch)
    requirements = importable_requirements()
    return render(
        request, "compliance/completions_batch.html", {"batch": batch, "plan": plan, "requirements": requirements}
    )


@hr_required
@require_POST
def map_competence(request, batch_id: int):
    form = MappingForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("completions:batch", batch_id=batch_id)
    name, requirement = form.cleaned_data["competence"], form.cleaned_data["requirement"]
    try:
        competence_mapping_save(competence=name, requirement=requirement, user=request.user)
    except MappingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{name}” now counts towards {requirement.name}.")
    return redirect("completions:batch", batch_id=batch_id)


@hr_required
@require_POST
def apply(request, batch_id: int):
    batch = get_object_or_404(CompletionBatch, pk=batch_id)
    try:
        plan = completion_batch_apply(batch=batch, user=request.user, request=request)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{len(plan.to_record)} completions recorded; {plan.already} were already recorded.")
    return redirect("completions:batch", batch_id=batch.pk)
