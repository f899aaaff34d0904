"""Removing an account's single sign-on link, for whoever supports the portal (`manage.py sso_unlink`): someone whose
directory account was re-created, or whose account was linked to the wrong directory account, is refused at sign-in
(`sso.admit`: the roster person is linked to another `sub`) until the old link goes. The person's own "linked
accounts" page can remove it too, but only once they are signed in, which is what they cannot do."""

from allauth.socialaccount.models import SocialAccount
from django.db import transaction

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record

from .service_desk import NOTHING_CHANGED, Refused, account_signing_in_with, reason_clean
from .sessions import sessions_end_for


def sso_links_for(email: str, *, lock: bool = False):
    """The account that signs in with `email` (`account_signing_in_with`) and its single sign-on links, oldest first;
    with `lock`, the account's row is locked until the transaction ends. Raises Refused if no account signs in
    with it, or it has no link."""
    account = account_signing_in_with(email, lock=lock)
    links = list(SocialAccount.objects.filter(user=account).order_by("pk"))
    if not links:
        raise Refused(
            f"{account.display_name} ({account.email}) has no single sign-on link, so there is nothing to remove. "
            f"{NOTHING_CHANGED}"
        )
    return account, links


def sso_links_remove(*, email: str, reason: str, actor) -> tuple:
    """Remove every single sign-on link of the account that signs in with `email`, end its sessions (a wrong link
    let someone else in as it), and write one audit line per link, naming `actor` and the reason. Returns the
    account and the links removed. Raises Refused, changing nothing, for a missing reason, account or link."""
    reason = reason_clean(reason)
    with transaction.atomic():
        account, links = sso_links_for(email, lock=True)  # two runs at once: the second finds no link
        SocialAccount.objects.filter(pk__in=[link.pk for link in links]).delete()
        sessions_end_for([account.pk])
        for link in links:
            audit_record(
                actor=actor,
                action=AuditEvent.SSO_LINKED,
                scope=account.email,
                change="unlinked",
                provider=link.provider,
                subject=link.uid,
                user_id=account.pk,
                reason=reason,
            )
    return account, links
