"""HR runs the requirements: who must do what, how often, from when; levels; retiring and putting back in use. Every
change goes through `services.requirement_save`, as the CMS's snippet pages do."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from portal.people.decorators import hr_required

from .forms_requirements import (
    PAGE_MODELS,
    RequirementForm,
    RetireForm,
    audience_saved,
    audience_warnings,
    opened_as,
)
from .models import Requirement
from .requirement_reads import requirements_kept_from_staff
from .services import requirement_reinstate, requirement_retire, requirement_save


@hr_required
@require_http_methods(["GET", "HEAD"])
def requirement_list(request):
    requirements = Requirement.objects.select_related("page").prefetch_related("teams").order_by("-active", "name")
    policies = _policies_past_review()
    kept = requirements_kept_from_staff(requirements)
    context = {
        "requirements": [(r, policies.get(r.page_id), kept.get(r.pk)) for r in requirements],
        "overdue_policies": sorted(policies.values(), key=lambda p: p.next_review_date),
    }
    return render(request, "compliance/requirement_list.html", context)


@hr_required
@require_http_methods(["GET", "POST"])
def requirement_add(request):
    return _requirement_form(request, Requirement())


@hr_required
@require_http_methods(["GET", "POST"])
def requirement_edit(request, requirement_id: int):
    return _requirement_form(request, get_object_or_404(Requirement, pk=requirement_id))


@hr_required
@require_http_methods(["GET", "POST"])
def requirement_retire_view(request, requirement_id: int):
    requirement = get_object_or_404(Requirement, pk=requirement_id, active=True)
    form = RetireForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        requirement_retire(requirement=requirement, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"{requirement.name} is retired. It no longer counts in any live figure.")
        return redirect("requirements:list")
    context = {"requirement": requirement, "form": form}
    return render(request, "compliance/requirement_retire.html", context, status=400 if form.errors else 200)


@hr_required
@require_POST
def requirement_reinstate_view(request, requirement_id: int):
    requirement = get_object_or_404(Requirement, pk=requirement_id)
    if not requirement.active:
        try:
            requirement_reinstate(requirement=requirement, user=request.user)
        except ValidationError as error:  # its page since kept from staff in the CMS, its level since taken
            for problem in error.messages:
                messages.error(request, f"{requirement.name} was not put back in use: {problem}")
            return redirect("requirements:list")
    messages.success(request, f"{requirement.name} is in use again. Everyone it applies to has their status back.")
    return redirect("requirements:list")


def _requirement_form(request, requirement: Requirement):
    form = RequirementForm(request.POST if request.method == "POST" else None, instance=requirement)
    if form.is_bound and form.is_valid():
        try:
            teams = form.cleaned_data["teams"]
            requirement_save(
                requirement=form.save(commit=False), user=request.user, teams=teams, opened_as=opened_as(form)
            )
        except ValidationError as error:  # changed by someone else meanwhile (saved, a name taken, a level taken)
            for field, problems in error.update_error_dict({}).items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, audience_saved(requirement))
            for warning in audience_warnings(requirement):
                messages.warning(request, warning)
            return redirect("requirements:list")
    context = {"form": form, "requirement": requirement}
    return render(request, "compliance/requirement_form.html", context, status=400 if form.errors else 200)


def _policies_past_review() -> dict:
    """Published policies whose next review date has passed, by page id (two queries: the pages, then their
    policy fields)."""
    today = timezone.localdate()
    policies = Page.objects.live().filter(
        content_type__app_label="modules", content_type__model=PAGE_MODELS[Requirement.ATTEST_POLICY]
    )
    return {page.pk: page for page in policies.specific() if page.review_overdue(today)}
