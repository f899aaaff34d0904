from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import get_text_list
from wagtail import hooks

from portal.lib.page_privacy import second_factor_owed, waits_on_second_factor
from portal.people.hr_roles import hr_officers_closing_leaves_none
from portal.people.roles import HR_GROUP

from .cms_role_proof import posted_groups
from .deletion import account_deletion_refusals, account_deletion_refused_message
from .mfa import prove_second_factor

ADMINISTRATORS_ONLY = (
    "Only an Administrator can make someone an Administrator, or change an Administrator's account (close it, or "
    "stop them being one). Nothing was saved."
)


@hooks.register("before_bulk_action")
def refuse_closing_administrators_to_non_administrators(request, action_type, objects, action_class_instance):
    """The user list's "Set active state" on a superuser's account, by someone who is not one (registered before the
    hook below, which saves each account)."""
    if action_type != "set_active_state" or getattr(action_class_instance, "model", None) is not get_user_model():
        return None
    if request.user.is_superuser or not any(user.is_superuser for user in objects):
        return None
    messages.error(request, ADMINISTRATORS_ONLY)
    return redirect(action_class_instance.next_url)


def _groups_closing_would_change(request, user) -> list[str]:
    """The groups whose permissions closing, reopening or deleting `user`'s account would take away or give back, that
    `request.user` may not change: for someone who is not a superuser, every group they are not in themselves, and
    HR whoever they are (the HR role is given and taken away on the HR roles page, with a reason, never from the
    last officer; a leaver's account is closed by the roster). A superuser may close any account."""
    if request.user.is_superuser:
        return []
    own = set(request.user.groups.values_list("pk", flat=True))
    return [group.name for group in user.groups.order_by("name") if group.pk not in own or group.name == HR_GROUP]


def _closing_refused(request, refusals: dict) -> None:
    for user, names in refusals.items():
        listed = ", ".join(f"“{name}”" for name in names)
        messages.error(
            request,
            "You can close, reopen or delete only the accounts of people whose groups you are in yourself, and never "
            f"an HR officer's: {user} is in {listed}, and closing an account takes its groups' permissions away, "
            "reopening gives them back. Ask an Administrator. Nothing was saved.",
        )


@hooks.register("before_bulk_action")
def refuse_closing_accounts_in_groups_not_their_own(request, action_type, objects, action_class_instance):
    """The user list's "Set active state" and bulk delete (registered before the hook below, which saves each
    account)."""
    if action_type not in {"set_active_state", "delete"}:
        return None
    if getattr(action_class_instance, "model", None) is not get_user_model():
        return None
    if action_type == "set_active_state":
        objects = _changing_state(objects, action_class_instance)
    refusals = {user: names for user in objects if (names := _groups_closing_would_change(request, user))}
    if not refusals:
        return None
    _closing_refused(request, refusals)
    return redirect(action_class_instance.next_url)


def _last_hr_officers_refused(request, users) -> bool:
    """Closing or deleting `users`' accounts, by anyone, a superuser included, when that would leave no HR officer who
    can sign in (`hr_roles.hr_officers_closing_leaves_none`): nobody could then do HR's work, nor give the role to
    anyone, which the HR roles page asks an HR officer to do. Says so, naming them; whether it did."""
    officers = hr_officers_closing_leaves_none({user.pk for user in users})
    if not officers:
        return False
    names = get_text_list([officer.display_name for officer in officers], "and")
    who = f"{names} is the last HR officer" if len(officers) == 1 else f"{names} are the last HR officers"
    messages.error(
        request,
        f"{who} who can sign in: closing or deleting {'the account' if len(officers) == 1 else 'their accounts'} "
        "would leave nobody who can do HR's work. Give a colleague the HR role on the HR roles page "
        f"({reverse('hr_roles:list')}) first. Nothing was saved.",
    )
    return True


@hooks.register("before_bulk_action")
def refuse_closing_the_last_hr_officers(request, action_type, objects, action_class_instance):
    """The users list's "Set active state" to closed (registered before the hook below, which saves each account):
    every account chosen counts at once, so closing all the officers together is refused as closing the last is."""
    if action_type != "set_active_state" or getattr(action_class_instance, "model", None) is not get_user_model():
        return None
    closing = [user for user in _changing_state(objects, action_class_instance) if user.is_active]
    if not _last_hr_officers_refused(request, closing):
        return None
    return redirect(action_class_instance.next_url)


@hooks.register("before_bulk_action")
def accounts_closed_or_opened_one_at_a_time(request, action_type, objects, action_class_instance):
    """The user list's "Set active state" writes every account chosen with one UPDATE, which no receiver sees: the
    change would not be audited, would end no session and would not mark the accounts closed by hand (so a roster
    bringing the person back would open one again). Each account whose state changes is saved first, as the user
    editor saves it (`receivers.on_account_saved`); Wagtail's UPDATE that follows then changes nothing."""
    if action_type != "set_active_state" or getattr(action_class_instance, "model", None) is not get_user_model():
        return
    for user in _changing_state(objects, action_class_instance):
        user.is_active = not user.is_active
        user.save(update_fields=["is_active", "closed_by_hand", "session_epoch"])


def _changing_state(users, action) -> list:
    """The accounts "Set active state" would close or open: those not already as the form asks."""
    active = action.cleaned_form.cleaned_data["mark_as_active"]
    return [user for user in users if user.is_active != active]


@hooks.register("before_edit_user")
def refuse_closing_or_reopening_accounts_in_groups_not_their_own(request, user):
    """The user editor's Active box (which it leaves out of someone's own account: nobody closes their own)."""
    if request.method != "POST" or user == request.user:
        return None
    if forms.CheckboxInput().value_from_datadict(request.POST, None, "is_active") == user.is_active:
        return None
    names = _groups_closing_would_change(request, user)
    if not names:
        return None
    _closing_refused(request, {user: names})
    return redirect("wagtailusers_users:edit", user.pk)


@hooks.register("before_edit_user")
def refuse_closing_the_last_hr_officer(request, user):
    """The user editor's Active box, unticked on an open account (it has none on someone's own)."""
    if request.method != "POST" or user == request.user or not user.is_active:
        return None
    if forms.CheckboxInput().value_from_datadict(request.POST, None, "is_active"):
        return None
    if not _last_hr_officers_refused(request, [user]):
        return None
    return redirect("wagtailusers_users:edit", user.pk)


@hooks.register("before_delete_user")
def refuse_deleting_accounts_in_groups_not_their_own(request, user):
    names = _groups_closing_would_change(request, user)
    if not names:
        return None
    _closing_refused(request, {user: names})
    return redirect("wagtailusers_users:edit", user.pk)


@hooks.register("before_edit_user")
def refuse_changing_the_sign_in_email(request, user):
    """The sign-in email comes from the roster or the identity provider (`email_address`): the user editor's Email box
    let whoever edits an account point it at another mailbox, then take the account over with allauth's password
    reset. A changed address is refused, and nothing else the form sent is saved."""
    if request.method != "POST" or (request.POST.get("email") or "").strip() == user.email:
        return None
    messages.error(
        request,
        f"The sign-in email of {user} cannot be changed here: it is {user.email}, from the staff roster or the "
        "organisation's sign-in service. Correct it in ESR and the next roster import changes it (an account made "
        "here with a mistyped address, which no training records name yet, can be deleted and made again). "
        "Nothing was saved.",
    )
    return redirect("wagtailusers_users:edit", user.pk)


def _administrator_box_refused(request, user=None):
    """Wagtail shows the Administrator box, and every account, to whoever may add or change accounts: only a superuser
    may make someone one (every permission, and HR's view of everyone), or change a superuser's account (Wagtail
    already keeps its delete to superusers)."""
    if request.method != "POST" or request.user.is_superuser:
        return None
    ticked = forms.CheckboxInput().value_from_datadict(request.POST, None, "is_superuser")
    if not ticked and (user is None or not user.is_superuser):
        return None
    messages.error(request, ADMINISTRATORS_ONLY)
    return redirect("wagtailusers_users:edit", user.pk) if user is not None else redirect("wagtailusers_users:add")


@hooks.register("before_edit_user")
def refuse_the_administrator_box_to_non_administrators(request, user):
    return _administrator_box_refused(request, user)


@hooks.register("before_create_user")
def refuse_a_new_administrator_to_non_administrators(request):
    return _administrator_box_refused(request)


def _hr_role_elsewhere(request) -> None:
    messages.error(
        request,
        f"The HR role is given and taken away on the HR roles page ({reverse('hr_roles:list')}), by another HR "
        "officer and with a reason, not in the CMS. Leave the HR box as it was. Nothing was saved.",
    )


def _hr_group_posted(request) -> bool:
    hr = Group.objects.filter(name=HR_GROUP).values_list("pk", flat=True).first()
    return hr is not None and str(hr) in request.POST.getlist("groups")


@hooks.register("before_edit_user")
def refuse_changing_the_hr_role(request, user):
    """The HR role has one door, portal.people.hr_roles (nobody gives it to themselves, the last officer keeps it, a
    leaver is not given it, each change has a reason): the user editor's HR box would go round all four."""
    if request.method != "POST" or _hr_group_posted(request) == user.groups.filter(name=HR_GROUP).exists():
        return None
    _hr_role_elsewhere(request)
    return redirect("wagtailusers_users:edit", user.pk)


@hooks.register("before_create_user")
def refuse_a_new_account_the_hr_role(request):
    if request.method != "POST" or not _hr_group_posted(request):
        return None
    _hr_role_elsewhere(request)
    return redirect("wagtailusers_users:add")


@hooks.register("before_bulk_action")
def refuse_assigning_the_hr_role(request, action_type, objects, action_class_instance):
    """The users list's "Assign role", given the HR group."""
    if action_type != "assign_role" or getattr(action_class_instance, "model", None) is not get_user_model():
        return None
    if action_class_instance.cleaned_form.cleaned_data["role"].name != HR_GROUP:
        return None
    _hr_role_elsewhere(request)
    return redirect(action_class_instance.next_url)


def _groups_not_their_own(request, posted: set[int], held: set[int]) -> list[str]:
    """The groups a change by `request.user` would give or take away (`posted` against `held`) that they are not in
    themselves, by name. A superuser may change any (the HR group aside, refused above for everyone)."""
    if request.user.is_superuser:
        return []
    own = set(request.user.groups.values_list("pk", flat=True))
    changed = (posted ^ held) - own
    return list(Group.objects.filter(pk__in=changed).order_by("name").values_list("name", flat=True))


def _not_their_own_refused(request, names: list[str]) -> None:
    listed = ", ".join(f"“{name}”" for name in names)
    messages.error(
        request,
        f"You can give or take away only the groups you are in yourself, and you are not in {listed}: a group carries "
        "permissions, and giving one would give someone more than you hold. Ask an Administrator. Nothing was saved.",
    )


@hooks.register("before_edit_user")
def refuse_groups_the_editor_is_not_in(request, user):
    """A delegated account manager (the users permissions, not a superuser) gives and takes away only the groups they
    are in: otherwise they could give anyone, themselves included (through a second account), a group with more
    permissions than they hold, the account permissions of a group they were never given among them."""
    if request.method != "POST":
        return None
    names = _groups_not_their_own(request, posted_groups(request), set(user.groups.values_list("pk", flat=True)))
    if not names:
        return None
    _not_their_own_refused(request, names)
    return redirect("wagtailusers_users:edit", user.pk)


@hooks.register("before_create_user")
def refuse_a_new_account_groups_the_maker_is_not_in(request):
    if request.method != "POST":
        return None
    names = _groups_not_their_own(request, posted_groups(request), set())
    if not names:
        return None
    _not_their_own_refused(request, names)
    return redirect("wagtailusers_users:add")


@hooks.register("before_bulk_action")
def refuse_assigning_a_group_the_assigner_is_not_in(request, action_type, objects, action_class_instance):
    """The users list's "Assign role", given a group the person choosing it is not in."""
    if action_type != "assign_role" or getattr(action_class_instance, "model", None) is not get_user_model():
        return None
    names = _groups_not_their_own(request, {action_class_instance.cleaned_form.cleaned_data["role"].pk}, set())
    if not names:
        return None
    _not_their_own_refused(request, names)
    return redirect(action_class_instance.next_url)


@hooks.register("before_delete_user")
def refuse_deleting_an_account_on_record(request, user):
    """The user's own delete (asked and confirmed): refused when training records name the account
    (`deletion.account_deletion_refusals`), before the confirmation is shown, on the account's page, where it can be
    closed instead."""
    records = account_deletion_refusals([user]).get(user.pk)
    if not records:
        return None
    messages.error(request, account_deletion_refused_message(user, records))
    return redirect("wagtailusers_users:edit", user.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_accounts_on_record(request, action_type, objects, action_class_instance):
    """The users list's bulk delete: refused as a whole, naming each account chosen that training records name."""
    if action_type != "delete" or getattr(action_class_instance, "model", None) is not get_user_model():
        return None
    refusals = account_deletion_refusals(objects)
    if not refusals:
        return None
    for user in objects:
        if user.pk in refusals:
            messages.error(request, account_deletion_refused_message(user, refusals[user.pk]))
    messages.error(request, "No account was deleted. To delete the others, choose them without those named.")
    return redirect(action_class_instance.next_url)


@hooks.register("before_delete_user")
def refuse_deleting_the_last_hr_officer(request, user):
    """The user's own delete, before the confirmation is shown (after the refusal above, whose "close it instead" an
    account training records name hears first)."""
    if not _last_hr_officers_refused(request, [user]):
        return None
    return redirect("wagtailusers_users:edit", user.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_the_last_hr_officers(request, action_type, objects, action_class_instance):
    if action_type != "delete" or getattr(action_class_instance, "model", None) is not get_user_model():
        return None
    if not _last_hr_officers_refused(request, objects):
        return None
    return redirect(action_class_instance.next_url)


@hooks.register("before_serve_page")
def group_pages_need_the_second_factor(page, request, serve_args, serve_kwargs):
    """A page kept for certain groups (on it or a page above it) that would let in a privileged person whose session
    has not proved its second factor (`page_privacy.waits_on_second_factor`): they are sent to enter the code, and back.
    Before Wagtail's own check, which counts the groups whatever the session proved. The restrictions are read only
    for such a session: nobody else's page costs a query more."""
    if not second_factor_owed(request):
        return None
    if not any(waits_on_second_factor(request, restriction) for restriction in page.get_view_restrictions()):
        return None
    return prove_second_factor(request)


@hooks.register("before_serve_document")
def group_documents_need_the_second_factor(document, request):
    """A document in a collection kept for certain groups, as a page (above)."""
    if not second_factor_owed(request):
        return None
    restrictions = document.collection.get_view_restrictions()
    if not any(waits_on_second_factor(request, restriction) for restriction in restrictions):
        return None
    return prove_second_factor(request)
