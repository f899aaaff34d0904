"""HR pauses a person's requirements (maternity leave, long-term sickness, ...), and ends, changes or withdraws a
pause. Under /hr/, so only an HR session that proved its second factor gets in."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal.lib.forms import DayMonthYearField
from portal.people.decorators import hr_required
from portal.people.models import StaffMember

from . import pauses
from .models import Requirement

ALL = "all"
TEXT_ERRORS = {
    "null_characters_not_allowed": "The text contains the control character U+0000. Type it again without it",
}


class PauseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the clock stopping?",
        choices=pauses.REASONS,
        error_messages={"required": "Choose a reason", "invalid_choice": "Choose a reason from the list"},
    )
    other = forms.CharField(
        label="If other, what is the reason?",
        help_text="Only HR sees this. The person and their manager see that they are paused, and until when.",
        required=False,
        max_length=pauses.OTHER_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"The reason must be {pauses.OTHER_TEXT_MAX_LENGTH} characters or fewer",
            **TEXT_ERRORS,
        },
    )
    first_day = DayMonthYearField(
        label="First day paused", label_in_errors="the first day of the pause", help_text="For example, 15 3 2026"
    )
    last_day = DayMonthYearField(
        label="Last day paused (the day before they are expected back)",
        label_in_errors="the last day of the pause",
        help_text="Leave empty if there is no return date yet: they stay paused until you set one. "
        "For example, 30 9 2026",
        required=False,
    )


class PauseAddForm(PauseForm):
    requirement = forms.ChoiceField(
        label="Which requirements?",
        error_messages={"required": "Choose the requirements to pause", "invalid_choice": "Choose from the list"},
    )
    field_order = ["requirement", "reason", "other", "first_day", "last_day"]

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = {str(r.pk): r for r in requirements}
        choices = [(ALL, "All the requirements that apply to them")]
        self.fields["requirement"].choices = choices + [(pk, r.name) for pk, r in self.requirements.items()]


class WithdrawForm(forms.Form):
    why = forms.CharField(
        label="Why was this pause recorded in error?",
        help_text="The person and their manager will see this reason in their history.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Give the reason for withdrawing the pause",
            "max_length": "The reason must be 1000 characters or fewer",
            **TEXT_ERRORS,
        },
    )


def _person(staff_id: int) -> StaffMember:
    return get_object_or_404(StaffMember.objects.select_related("team", "user"), pk=staff_id)


def _pause(person, ref: str) -> pauses.Pause:
    pause = pauses.pause_get(person, ref)
    if pause is None:
        raise Http404("No such pause.")
    return pause


@hr_required
@require_GET
def pause_list(request, staff_id: int):
    person = _person(staff_id)
    return render(request, "compliance/pause_list.html", {"person": person, "pauses": pauses.pauses_for_staff(person)})


@hr_required
@require_http_methods(["GET", "POST"])
def pause_add(request, staff_id: int):
    person = _person(staff_id)
    requirements = Requirement.objects.filter(statuses__staff=person, active=True).order_by("name")
    form = PauseAddForm(request.POST if request.method == "POST" else None, requirements=requirements)
    if form.is_valid():
        data, chosen = form.cleaned_data, form.cleaned_data["requirement"]
        try:
            pauses.pause_add(
                staff=person,
                requirements=None if chosen == ALL else [form.requirements[chosen]],
                reason_code=data["reason"],
                reason_text=data["other"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                user=request.user,
                request=request,
            )
        except pauses.PauseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{person.full_name} is paused. Their status has been updated.")
            return redirect("pauses:list", person.pk)
    context = {"person": person, "form": form, "adding": True}
    return render(request, "compliance/pause_form.html", context, status=400 if form.errors else 200)


@hr_required
@require_http_methods(["GET", "POST"])
def pause_change(request, staff_id: int, ref: str):
    person = _person(staff_id)
    pause = _pause(person, ref) if request.method == "GET" else pauses.pause_get(person, ref)
    initial = {}
    if pause is not None:
        initial = {
            "reason": pause.reason_code,
            "other": pause.reason_text,
            "first_day": pause.first_day,
            "last_day": pause.last_day,
        }
    form = PauseForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            pauses.pause_change(
                staff=person,
                ref=ref,
                reason_code=data["reason"],
                reason_text=data["other"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                user=request.user,
                request=request,
            )
        except pauses.PauseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The pause has been changed. {person.full_name}'s status has been updated.")
            return redirect("pauses:list", person.pk)
    context = {"person": person, "form": form, "pause": pause, "adding": False}
    return render(request, "compliance/pause_form.html", context, status=400 if form.errors else 200)


@hr_required
@require_http_methods(["GET", "POST"])
def pause_withdraw(request, staff_id: int, ref: str):
    person = _person(staff_id)
    pause = _pause(person, ref) if request.method == "GET" else pauses.pause_get(person, ref)
    if pause is None:  # a second click: the first withdrew it
        messages.success(request, "This pause was already withdrawn. Nothing more was recorded.")
        return redirect("pauses:list", person.pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            pauses.pause_withdraw(
                staff=person, ref=ref, reason=form.cleaned_data["why"], user=request.user, request=request
            )
        except pauses.PauseError as error:
            form.add_error("why", str(error))
        else:
            messages.success(request, f"The pause has been withdrawn. {person.full_name}'s status has been updated.")
            return redirect("pauses:list", person.pk)
    context = {"person": person, "form": form, "pause": pause}
    return render(request, "compliance/pause_withdraw.html", context, status=400 if form.errors else 200)
