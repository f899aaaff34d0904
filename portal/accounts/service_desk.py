"""What the service desk's commands share (`manage.py sso_unlink`, `manage.py mfa_reset`): finding the account a person
signs in with, and the reason each change is recorded with. A refusal says what is wrong and that nothing changed."""

from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Lower

from portal.lib.text import hidden_character
from portal.people.hr_roles import REASON_MAX_LENGTH

NOTHING_CHANGED = "Nothing was changed."


class Refused(Exception):
    """The change cannot be made as asked; the message says why and that nothing changed."""


def account_signing_in_with(email: str, *, lock: bool = False):
    """The account that signs in with `email` (in any case, as sign-in matches it); with `lock`, its row is locked
    until the transaction ends. Raises Refused if no account signs in with it."""
    email = (email or "").strip()
    # Matched as sign-in matches it (`UserManager.get_by_natural_key`), on the expression the one-account-per-address
    # index is on: iexact compares upper cases on PostgreSQL, under which two accounts that index holds apart can both
    # match (a@ix.example and a@\u0131x.example, a dotless i), and the other's would be changed.
    accounts = get_user_model().objects.alias(sign_in_name=Lower("email")).filter(sign_in_name=Lower(Value(email)))
    account = (accounts.select_for_update() if lock else accounts).first()
    if account is None:
        raise Refused(
            f"No account signs in with '{email}'. Check the address: it is the person's work email, as on the staff "
            f"roster. {NOTHING_CHANGED}"
        )
    return account


def reason_clean(reason: str | None) -> str:
    """The reason for the audit log, stripped; raises Refused if it is missing or blank, too long, or holds a hidden
    character."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(f"Give the reason with --reason: it is recorded in the audit log. {NOTHING_CHANGED}")
    if len(reason) > REASON_MAX_LENGTH:
        raise Refused(f"The reason must be {REASON_MAX_LENGTH} characters or fewer. {NOTHING_CHANGED}")
    problem = hidden_character(reason)
    if problem:
        raise Refused(f"The reason contains {problem}. {NOTHING_CHANGED}")
    return reason


def reason_check(reason: str | None) -> None:
    """Raises Refused for a reason given that --apply would refuse (blank, too long, a hidden character): a dry run
    given it fails as the apply would, so a script that applies only after a dry run succeeds is not misled."""
    if reason is not None:
        reason_clean(reason)
