"""Removing an account's single sign-on link, for whoever supports the portal (`manage.py sso_unlink`): someone whose
directory account was re-created, or whose account was linked to the wrong directory account, is refused at sign-in
(`sso.admit`: the roster person is linked to another `sub`) until the old link goes. The person's own "linked
accounts" page can remove it too, but only once they are signed in, which is what they cannot do."""

from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Lower

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.text import hidden_character
from portal.people.hr_roles import REASON_MAX_LENGTH

from .sessions import sessions_end_for

NOTHING_CHANGED = "Nothing was changed."


class UnlinkError(Exception):
    """The link cannot be removed as asked; the message says why and that nothing changed."""


def sso_links_for(email: str, *, lock: bool = False):
    """The account that signs in with `email` (in any case, as sign-in matches it) and its single sign-on links,
    oldest first; with `lock`, the account's row is locked until the transaction ends. Raises UnlinkError if no
    account signs in with it, or it has no link."""
    email = (email or "").strip()
    # Matched as sign-in matches it (`UserManager.get_by_natural_key`), on the expression the one-account-per-address
    # index is on: iexact compares upper cases on PostgreSQL, under which two accounts that index holds apart can both
    # match (a@ix.example and a@\u0131x.example, a dotless i), and the link of the other would be removed.
    accounts = get_user_model().objects.alias(sign_in_name=Lower("email")).filter(sign_in_name=Lower(Value(email)))
    account = (accounts.select_for_update() if lock else accounts).first()
    if account is None:
        raise UnlinkError(
            f"No account signs in with '{email}'. Check the address: it is the person's work email, as on the staff "
            f"roster. {NOTHING_CHANGED}"
        )
    links = list(SocialAccount.objects.filter(user=account).order_by("pk"))
    if not links:
        raise UnlinkError(
            f"{account.display_name} ({account.email}) has no single sign-on link, so there is nothing to remove. "
            f"{NOTHING_CHANGED}"
        )
    return account, links


def sso_links_remove(*, email: str, reason: str, actor) -> tuple:
    """Remove every single sign-on link of the account that signs in with `email`, end its sessions (a wrong link
    let someone else in as it), and write one audit line per link, naming `actor` and the reason. Returns the
    account and the links removed. Raises UnlinkError, changing nothing, for a missing reason, account or link."""
    reason = _clean_reason(reason)
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


def sso_reason_check(reason: str | None) -> None:
    """Raises UnlinkError for a reason given that --apply would refuse (blank, too long, a hidden character): a dry
    run given it fails as the apply would, so a script that applies only after a dry run succeeds is not misled."""
    if reason is not None:
        _clean_reason(reason)


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise UnlinkError(f"Give the reason with --reason: it is recorded in the audit log. {NOTHING_CHANGED}")
    if len(reason) > REASON_MAX_LENGTH:
        raise UnlinkError(f"The reason must be {REASON_MAX_LENGTH} characters or fewer. {NOTHING_CHANGED}")
    problem = hidden_character(reason)
    if problem:
        raise UnlinkError(f"The reason contains {problem}. {NOTHING_CHANGED}")
    return reason
