"""HR grants and removes the HR role (/hr/roles/), each with a reason.

The HR role opens every record and export: granting or removing it asks the HR officer to confirm it is them first,
unless they typed their password or a code within ACCOUNT_REAUTHENTICATION_TIMEOUT (allauth's re-authentication, as
for API tokens), so a proven session left open on a shared computer cannot hand the role to whoever sits down at it.
allauth keeps the POST while they confirm and then resumes it; the pages themselves open without asking.
"""

from allauth.account.decorators import reauthentication_required
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .decorators import hr_required
from .hr_roles import REASON_MAX_LENGTH, RoleError, hr_officers, hr_role_grant, hr_role_remove, own_role_removal
from .managers import ManagerError, staff_by_employee_number
from .roles import HR_GROUP

TEXT_ERRORS = {"null_characters_not_allowed": "Remove the control character U+0000 and type it again"}


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Reason",
            help_text="Recorded in the audit log with your name",
            max_length=REASON_MAX_LENGTH,
            error_messages={
                "required": "Give the reason for the change",
                "max_length": f"The reason must be {REASON_MAX_LENGTH} characters or fewer",
                **TEXT_ERRORS,
            },
            **kwargs,
        )


class GrantForm(forms.Form):
    employee_number = forms.CharField(
        label="Employee number",
        help_text="As in ESR, for example E0012345. The person must already have an account (from the roster).",
        error_messages={"required": "Enter the person's employee number", **TEXT_ERRORS},
    )
    reason = ReasonField()


class RemoveForm(forms.Form):
    reason = ReasonField()


@hr_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def hr_roles(request):
    form = GrantForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            staff = staff_by_employee_number(form.cleaned_data["employee_number"])
            hr_role_grant(staff=staff, reason=form.cleaned_data["reason"], user=request.user, request=request)
        except (ManagerError, RoleError) as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{staff.full_name} now has the HR role. They must sign in again to use it.")
            return redirect("hr_roles:list")
    return _list_page(request, form)


@hr_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def hr_role_end(request, user_id: int):
    account = get_object_or_404(get_user_model().objects.filter(groups__name=HR_GROUP), pk=user_id)
    own = account.pk == request.user.pk
    form = RemoveForm(request.POST if request.method == "POST" and not own else None)
    if form.is_bound and form.is_valid():
        try:
            hr_role_remove(account=account, reason=form.cleaned_data["reason"], user=request.user, request=request)
        except RoleError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{account.display_name} no longer has the HR role.")
            return redirect("hr_roles:list")
    status = 403 if own and request.method == "POST" else 400 if form.errors else 200
    context = {"account": account, "own": own_role_removal(account.pk) if own else "", "form": form}
    return render(request, "people/hr_role_remove.html", context, status=status)


def _list_page(request, form):
    officers = list(hr_officers())
    with_app = set(
        Authenticator.objects.filter(user__in=officers, type=Authenticator.Type.TOTP).values_list("user_id", flat=True)
    )
    for officer in officers:
        officer.has_app = officer.pk in with_app
    context = {"officers": officers, "form": form}
    return render(request, "people/hr_roles.html", context, status=400 if form.errors else 200)
