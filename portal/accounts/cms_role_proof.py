"""A role given or taken away in the CMS asks the person giving it to confirm it is them, unless they just did.

The Administrator box (every permission, and HR's view of everyone) and a CMS group (the permissions it carries) are
roles, as HR is: the HR roles page and a new API token already ask for a fresh password or code
(`reauthentication_required`), so a proven session left open for hours on a shared computer cannot hand them to
whoever sits down at it. The CMS's user editor, its new-user form and its users list's "Assign role" were another door
to the same: they now ask too, once the portal's own refusals (portal.accounts.wagtail_hooks, registered at the
default order, before these) have let the change through. allauth keeps the POST while they confirm and then resumes
it, so the change is made once they have, and not before. A change that gives or takes away no role (a name, say) is
not asked about. Saving or deleting a group (portal.accounts.cms_groups) asks too: its permissions are given to, or
taken from, everyone in it.

Registered from AccountsConfig.ready: Wagtail reads the hooks of `wagtail_hooks` modules, and this one is imported with
the app instead."""

from allauth.account.internal.flows.reauthentication import raise_if_reauthentication_required
from django import forms
from django.contrib.auth import get_user_model
from wagtail import hooks

AFTER_THE_REFUSALS = 100  # hooks run in `order`; the refusals are at the default, 0


def posted_groups(request) -> set[int]:
    """The groups the user editor or new-user form posted, by id (anything else in the list is not a group's)."""
    return {int(value) for value in request.POST.getlist("groups") if value.isascii() and value.isdigit()}


def _administrator_ticked(request) -> bool:
    return forms.CheckboxInput().value_from_datadict(request.POST, None, "is_superuser")


def ask_if_not_just_confirmed(request) -> None:
    raise_if_reauthentication_required(request, app="")


@hooks.register("before_edit_user", order=AFTER_THE_REFUSALS)
def confirm_before_changing_roles(request, user):
    if request.method != "POST":
        return
    held = set(user.groups.values_list("pk", flat=True))
    box_changed = user != request.user and _administrator_ticked(request) != user.is_superuser  # not on their own
    if box_changed or posted_groups(request) != held:
        ask_if_not_just_confirmed(request)


@hooks.register("before_create_user", order=AFTER_THE_REFUSALS)
def confirm_before_a_new_account_with_roles(request):
    if request.method == "POST" and (_administrator_ticked(request) or posted_groups(request)):
        ask_if_not_just_confirmed(request)


@hooks.register("before_bulk_action", order=AFTER_THE_REFUSALS)
def confirm_before_assigning_a_role(request, action_type, objects, action_class_instance):
    if action_type == "assign_role" and getattr(action_class_instance, "model", None) is get_user_model():
        ask_if_not_just_confirmed(request)
