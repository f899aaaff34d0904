"""Security events: written to the audit log, and ending sessions when a person's access changes."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record, client_address
from portal.people.models import TeamManager
from portal.people.roles import role_change_is_recorded

from .sessions import session_start, sessions_end_for


def _ip(request) -> str:
    return client_address(request)


@receiver(user_logged_in)
def on_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request, user)
    audit_record(actor=user, action=AuditEvent.SIGN_IN, scope=user.email, ip=_ip(request))


@receiver(user_logged_out)
def on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditEvent.SIGN_OUT, scope=user.email, ip=_ip(request))


@receiver(user_login_failed)
def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already removed the password from `credentials`; what remains is the name typed.
    typed = str(credentials.get("email") or credentials.get("username") or "")[:200]
    audit_record(actor=None, action=AuditEvent.SIGN_IN_FAILED, scope=typed or "(no name given)", ip=_ip(request))


@receiver(mfa_signals.authenticator_added)
def on_mfa_added(sender, request, user, authenticator, **kwargs):
    audit_record(actor=user, action=AuditEvent.MFA_ADDED, scope=user.email, kind=authenticator.type, ip=_ip(request))
    if hasattr(request, "session") and authenticator.type == Authenticator.Type.TOTP:
        # Setting up the app meant typing a code it generated: this session has proved the second factor.
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True)


@receiver(mfa_signals.authenticator_removed)
def on_mfa_removed(sender, request, user, authenticator, **kwargs):
    audit_record(actor=user, action=AuditEvent.MFA_REMOVED, scope=user.email, kind=authenticator.type, ip=_ip(request))


@receiver(m2m_changed, sender=get_user_model().groups.through)
def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A person added to or removed from a group (HR, CMS editors): their sessions end, and they sign in again with
    the access they have now. (`reverse`: people were added to a group, rather than groups to a person.)"""
    if action not in {"post_add", "post_remove"} or not pk_set:
        return
    users = list(get_user_model().objects.filter(pk__in=pk_set)) if reverse else [instance]
    groups = [instance.name] if reverse else sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    sessions_end_for([user.pk for user in users])
    if role_change_is_recorded():
        return  # the service that made the change has audited it, with who made it and why
    verb = "added to" if action == "post_add" else "removed from"
    for user in users:
        audit_record(actor=None, action=AuditEvent.ROLE_CHANGED, scope=f"{user.email} {verb} {', '.join(groups)}"[:300])


def _manager_changed(instance, change: str) -> None:
    user_id = instance.staff.user_id if instance.staff_id else None
    if user_id:
        sessions_end_for([user_id])
    if role_change_is_recorded():
        return  # audited by portal.people.managers, with who made the change and why
    audit_record(
        actor=None,
        action=AuditEvent.ROLE_CHANGED,
        scope=f"{instance.staff} {change} {instance.team}",
        staff_id=instance.staff_id,
        team_id=instance.team_id,
    )


@receiver(post_save, sender=TeamManager)
def on_manager_saved(sender, instance, created, **kwargs):
    _manager_changed(instance, "now manages" if created else "changed as a manager of")


@receiver(post_delete, sender=TeamManager)
def on_manager_removed(sender, instance, **kwargs):
    _manager_changed(instance, "no longer manages")
