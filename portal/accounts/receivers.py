"""Security events: written to the audit log, and ending sessions when a person's access changes."""

from allauth.account import signals as account_signals
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from allauth.socialaccount import signals as social_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from portal.audit.models import AuditEvent
from portal.audit.services import NOT_SIGNED_IN, audit_record, client_address
from portal.people.models import TeamManager
from portal.people.roles import role_change_is_recorded

from .session_roles import session_roles_store
from .sessions import EPOCH, session_start, sessions_end_for
from .views_password import reauthenticated_record


def _ip(request) -> str:
    return client_address(request)


def _role_change_audit(scope: str, **detail) -> None:
    """One audit line for a role change the receivers see, naming who made it: the person signed in to the request
    being answered (the Wagtail admin's user and group editors, its users list's "Assign role"), with their address;
    no one outside a request (a command, the shell)."""
    request = context.request
    user = getattr(request, "user", None)
    if request is None:
        audit_record(actor=None, action=AuditEvent.ROLE_CHANGED, scope=scope, **detail)
    elif user is None or not user.is_authenticated:
        audit_record(actor=NOT_SIGNED_IN, request=request, action=AuditEvent.ROLE_CHANGED, scope=scope, **detail)
    else:
        audit_record(actor=user, request=request, action=AuditEvent.ROLE_CHANGED, scope=scope, **detail)


@receiver(user_logged_in)
def on_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request, user)
    audit_record(actor=user, action=AuditEvent.SIGN_IN, scope=user.email, ip=_ip(request))


@receiver(account_signals.user_logged_in)
def on_signed_in_again(sender, request, user, sociallogin=None, **kwargs):
    # `sso.admit` refuses a re-authentication the provider does not say it asked for, so one signed in here passed.
    if sociallogin is not None and sociallogin.state.get("reauthenticate"):
        reauthenticated_record(request)


@receiver(user_logged_out)
def on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditEvent.SIGN_OUT, scope=user.email, ip=_ip(request))


@receiver(user_login_failed)
def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already removed the password from `credentials`; what remains is the name typed.
    typed = str(credentials.get("email") or credentials.get("username") or "")[:200]
    audit_record(
        actor=NOT_SIGNED_IN, action=AuditEvent.SIGN_IN_FAILED, scope=typed or "(no name given)", ip=_ip(request)
    )


# How each of allauth's password signals came about, in the audit line's words.
PASSWORD_CHANGES = {
    "set": "had none: signed in without one",
    "changed": "typed the old password",
    "reset": "from a link emailed to the account",
}


def _password_audit(request, user, change: str) -> None:
    """A password set, changed or reset is a new way into the account: audited as a second factor is. Its holder is
    emailed by allauth's notice (AccountAdapter.send_notification_mail)."""
    audit_record(
        actor=user,
        action=AuditEvent.ACCOUNT_CHANGED,
        scope=f"{user.email}: password {change}",
        change=f"password {change}",
        how=PASSWORD_CHANGES[change],
        ip=_ip(request),
    )


@receiver(account_signals.password_set)
def on_password_set(sender, request, user, **kwargs):
    _password_audit(request, user, "set")


@receiver(account_signals.password_changed)
def on_password_changed(sender, request, user, **kwargs):
    _password_audit(request, user, "changed")


@receiver(account_signals.password_reset)
def on_password_reset(sender, request, user, **kwargs):
    _password_audit(request, user, "reset")


@receiver(mfa_signals.authenticator_added)
def on_mfa_added(sender, request, user, authenticator, **kwargs):
    audit_record(actor=user, action=AuditEvent.MFA_ADDED, scope=user.email, kind=authenticator.type, ip=_ip(request))
    if hasattr(request, "session") and authenticator.type == Authenticator.Type.TOTP:
        # Setting up the app meant typing a code it generated: this session has proved the second factor.
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True)
    _roles_reread(request, user)


@receiver(mfa_signals.authenticator_reset)
def on_recovery_codes_made_again(sender, request, user, authenticator, **kwargs):
    """New recovery codes (allauth's "generate" page): a new set of second factors, the old set no longer working."""
    change = "new recovery codes; any earlier ones stop working"
    audit_record(
        actor=user,
        action=AuditEvent.MFA_ADDED,
        scope=user.email,
        kind=authenticator.type,
        ip=_ip(request),
        change=change,
    )


@receiver(mfa_signals.authenticator_removed)
def on_mfa_removed(sender, request, user, authenticator, **kwargs):
    audit_record(actor=user, action=AuditEvent.MFA_REMOVED, scope=user.email, kind=authenticator.type, ip=_ip(request))
    if hasattr(request, "session") and getattr(request, "user", None) == user:
        # The removal ended the person's other sessions (`on_authenticator_deleted`), not the one that made it.
        user.refresh_from_db(fields=["session_epoch"])
        request.session[EPOCH] = user.session_epoch
    _roles_reread(request, user)


@receiver(social_signals.social_account_added)
def on_sso_linked(sender, request, sociallogin, **kwargs):
    """An account at the organisation's sign-in service now signs in to this one (the first single sign-on, or
    "Link" on the linked accounts page): a way in, audited as a second factor is."""
    _sso_audit(request, sociallogin.user, sociallogin.account, "linked")


@receiver(social_signals.social_account_removed)
def on_sso_unlinked(sender, request, socialaccount, **kwargs):
    _sso_audit(request, socialaccount.user, socialaccount, "unlinked")


def _sso_audit(request, user, account, change: str) -> None:
    audit_record(
        actor=user,
        action=AuditEvent.SSO_LINKED,
        scope=user.email,
        change=change,
        provider=account.provider,
        subject=account.uid,
        ip=_ip(request),
    )


@receiver(post_delete, sender=Authenticator)
def on_authenticator_deleted(sender, instance, **kwargs):
    """An authenticator app removed, however: every session of the person ends, as each keeps in its flags that
    they have one (`session_roles`), which would let a code proved with it count on."""
    if instance.type == Authenticator.Type.TOTP:
        sessions_end_for([instance.user_id])


def _roles_reread(request, user) -> None:
    """A second factor added or removed changes whether this session's privileged roles show in the header."""
    if hasattr(request, "session") and getattr(request, "user", None) == user:
        session_roles_store(request, user)


@receiver(m2m_changed, sender=get_user_model().groups.through)
def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A person added to or removed from a group (HR, CMS editors): their sessions end, and they sign in again with
    the access they have now. (`reverse`: people were added to a group, rather than groups to a person.)"""
    if action == "pre_clear":
        # The rows are gone by post_clear, which names no one: end the sessions of whoever is about to lose them.
        users = list(instance.user_set.all()) if reverse else [instance]
        groups = [instance.name] if reverse else sorted(instance.groups.values_list("name", flat=True))
        verb = "removed from"
    elif action in {"post_add", "post_remove"} and pk_set:
        users = list(get_user_model().objects.filter(pk__in=pk_set)) if reverse else [instance]
        groups = (
            [instance.name] if reverse else sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        )
        verb = "added to" if action == "post_add" else "removed from"
    else:
        return
    if not users or not groups:
        return
    _sessions_end(users, kept=None if reverse else instance)
    if role_change_is_recorded():
        return  # the service that made the change has audited it, with who made it and why
    for user in users:
        _role_change_audit(f"{user.email} {verb} {', '.join(groups)}"[:300])


@receiver(m2m_changed, sender=Group.permissions.through)
def on_group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A group given or refused a permission (the CMS's, in the Wagtail admin's group editor): every member's access
    changes, so their sessions end. (`reverse`: groups were added to a permission.)"""
    if action not in {"post_add", "post_remove", "pre_clear"} or (action != "pre_clear" and not pk_set):
        return
    if reverse:
        groups = list(Group.objects.filter(pk__in=pk_set)) if pk_set else list(instance.group_set.all())
    else:
        groups = [instance]
    _group_members_changed(groups, "permissions changed")


@receiver(m2m_changed, sender=get_user_model().user_permissions.through)
def on_user_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A permission given to or taken from a person directly (rather than through a group)."""
    if action not in {"post_add", "post_remove", "pre_clear"} or (action != "pre_clear" and not pk_set):
        return
    if reverse:
        users = list(get_user_model().objects.filter(pk__in=pk_set)) if pk_set else list(instance.user_set.all())
    else:
        users = [instance]
    _sessions_end(users, kept=None if reverse else instance)
    for user in users:
        _role_change_audit(f"{user.email}: permissions changed"[:300])


@receiver(pre_save, sender=Group)
def on_group_renamed(sender, instance, raw=False, update_fields=None, **kwargs):
    """Roles go by a group's name (the HR group is the group named "HR"): renaming a group changes its members'."""
    if raw or instance.pk is None or (update_fields is not None and "name" not in update_fields):
        return
    before = Group.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    if before is not None and before != instance.name:
        _group_members_changed([instance], f"renamed from {before}")


@receiver(pre_delete, sender=Group)
def on_group_deleted(sender, instance, **kwargs):
    """Deleting a group removes its members from it without the signals above: the audit line names them, as the
    group that said who they were is gone."""
    members = sorted(get_user_model().objects.filter(groups=instance).values_list("email", flat=True))
    _group_members_changed([instance], "deleted", members=members)


@receiver(pre_delete, sender=Permission)
def on_permission_deleted(sender, instance, **kwargs):
    users = get_user_model().objects.filter(Q(groups__permissions=instance) | Q(user_permissions=instance)).distinct()
    _sessions_end(list(users))


@receiver(pre_save, sender=get_user_model())
def on_account_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """Saving an account keeps its session epoch where the database has it (a copy read before someone's roles
    changed must not put the old epoch back and revive their sessions), and raises it when the account becomes or
    stops being a superuser, or is closed or reopened (the Wagtail admin's user editor).

    A save that closes or reopens an account is a person's decision (the user editor, the user list's active state
    through `wagtail_hooks`, a command): it marks the account `closed_by_hand`, or clears the mark, and a roster that
    brings the person back leaves an account so marked closed. So does making an account already closed (a command,
    the shell). The roster's own closing and reopening are UPDATEs, and it makes its leavers' accounts closed with
    bulk_create: neither sends this signal, so the roster never sets the mark."""
    if raw:
        return
    if instance._state.adding:
        if not instance.is_active:
            instance.closed_by_hand = True
        if instance.is_superuser:
            _role_change_audit(f"{instance.email}: created with is_superuser True"[:300])
        return
    watched = {"session_epoch", "is_superuser", "is_active", *NAMES}
    if instance.pk is None or (update_fields is not None and not watched & set(update_fields)):
        return
    before = (
        get_user_model()
        .objects.filter(pk=instance.pk)
        .values("session_epoch", "is_superuser", "is_active", *NAMES)
        .first()
    )
    if before is None:
        return
    _name_change_audit(instance, before, update_fields)
    epoch = max(instance.session_epoch, before["session_epoch"])
    changed = [
        name
        for name in ("is_superuser", "is_active")
        if (update_fields is None or name in update_fields) and getattr(instance, name) != before[name]
    ]
    if changed:
        epoch += 1
        _role_change_audit(
            f"{instance.email}: {', '.join(f'{name} now {getattr(instance, name)}' for name in changed)}"[:300]
        )
    instance.session_epoch = epoch
    if "is_active" in changed:
        instance.closed_by_hand = not instance.is_active
    if update_fields is not None:
        unsaved = {}  # what this save will not write
        if "session_epoch" not in update_fields and epoch != before["session_epoch"]:
            unsaved["session_epoch"] = epoch
        if "is_active" in changed and "closed_by_hand" not in update_fields:
            unsaved["closed_by_hand"] = instance.closed_by_hand
        if unsaved:
            get_user_model().objects.filter(pk=instance.pk).update(**unsaved)


NAMES = {"first_name": "first name", "last_name": "last name"}


def _name_change_audit(instance, before: dict, update_fields) -> None:
    """A name saved changed is in the audit log, each name before and after, and who changed it, in the save's own
    transaction (this runs just before it): the name is on every report, export and certificate. Through the CMS's
    user editor, or a CMS user's own account page (/cms/account/), or anything else that saves an account; the
    roster's names are the staff record's, audited with its own changes."""
    changes = {
        field: [before[field], getattr(instance, field)]
        for field in NAMES
        if (update_fields is None or field in update_fields) and getattr(instance, field) != before[field]
    }
    if not changes:
        return
    said = "; ".join(f"{NAMES[field]} “{old}” → “{new}”" for field, (old, new) in changes.items())
    request = context.request
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    audit_record(
        actor=user if signed_in else (None if request is None else NOT_SIGNED_IN),
        request=request if signed_in else None,
        action=AuditEvent.ACCOUNT_CHANGED,
        scope=f"{instance.email}: {said}",
        account=instance.pk,
        changes=changes,
        **({"path": request.path[:200]} if signed_in else {}),
    )


def _group_members_changed(groups, change: str, **detail) -> None:
    users = list(get_user_model().objects.filter(groups__in=[group.pk for group in groups]).distinct())
    _sessions_end(users)
    for group in groups:
        _role_change_audit(f"Group {group.name}: {change}"[:300], **detail)


def _sessions_end(users, kept=None) -> None:
    """End `users`' sessions; `kept`, a copy of one of them the caller holds, learns its new epoch (so signing that
    copy in, or saving it, carries the epoch on rather than back)."""
    sessions_end_for([user.pk for user in users])
    if kept is not None and kept.pk:
        kept.refresh_from_db(fields=["session_epoch"])


def _manager_changed(instance, change: str) -> None:
    user_id = instance.staff.user_id if instance.staff_id else None
    if user_id:
        sessions_end_for([user_id])
        cached = instance.staff._state.fields_cache.get("user")
        if cached is not None:
            cached.refresh_from_db(fields=["session_epoch"])
    if role_change_is_recorded():
        return  # audited by portal.people.managers, with who made the change and why
    _role_change_audit(
        f"{instance.staff} {change} {instance.team}", staff_id=instance.staff_id, team_id=instance.team_id
    )


@receiver(post_save, sender=TeamManager)
def on_manager_saved(sender, instance, created, **kwargs):
    _manager_changed(instance, "now manages" if created else "changed as a manager of")


@receiver(post_delete, sender=TeamManager)
def on_manager_removed(sender, instance, **kwargs):
    _manager_changed(instance, "no longer manages")
