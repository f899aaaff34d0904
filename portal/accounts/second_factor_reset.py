"""Removing the second factor of someone who lost it, for the service desk (`manage.py mfa_reset`): a person whose
phone is gone, and their recovery codes with it, cannot sign in to a role that needs a code, and every page that
removes an app asks for a code from it. The service desk checks who is asking, then removes the app and the codes;
the person's role asks them to set up an app again at their next sign-in. There is no self-service way back beyond
the recovery codes, by design: whoever knows the password must not be able to swap the app for their own."""

from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.db import transaction

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record

from .service_desk import NOTHING_CHANGED, Refused, account_signing_in_with, reason_clean
from .sessions import sessions_end_for

NOTICE = "mfa/email/second_factor_reset"


@dataclass(frozen=True)
class SecondFactorReset:
    """What `second_factor_reset` did: the account, the factors removed, and how the person was told: `not_told`
    says why they were not emailed ("" if they were), `mail_failure` the mail server's refusal, if it refused."""

    account: object
    factors: list
    not_told: str = ""
    mail_failure: str = ""


def second_factors_for(email: str, *, lock: bool = False):
    """The account that signs in with `email` (`account_signing_in_with`) and its second factors (the authenticator
    app, the recovery codes), oldest first. Raises Refused if no account signs in with it, or it has none."""
    account = account_signing_in_with(email, lock=lock)
    factors = list(Authenticator.objects.filter(user=account).order_by("pk"))
    if not factors:
        raise Refused(
            f"{account.display_name} ({account.email}) has no authenticator app or recovery codes, so there is nothing "
            f"to remove. {NOTHING_CHANGED}"
        )
    return account, factors


def second_factor_reset(*, email: str, reason: str, actor) -> SecondFactorReset:
    """Remove the authenticator app and recovery codes of the account that signs in with `email`, end its sessions,
    and write one audit line per factor, naming `actor` and the reason; then email the person. Raises Refused,
    changing nothing, for a missing reason, account or factor.

    The email is sent once the removal is committed, and its failure is returned, not raised: the removal stands
    whatever the mail server says, and whoever ran it must hear that, not that nothing changed."""
    reason = reason_clean(reason)
    with transaction.atomic():
        account, factors = second_factors_for(email, lock=True)  # two runs at once: the second finds none
        Authenticator.objects.filter(pk__in=[factor.pk for factor in factors]).delete()
        sessions_end_for([account.pk])
        for factor in factors:
            audit_record(
                actor=actor,
                action=AuditEvent.MFA_REMOVED,
                scope=account.email,
                kind=factor.type,
                user_id=account.pk,
                reason=reason,
                change="removed by the service desk",
            )
    try:
        not_told = get_adapter().notice_send(NOTICE, account, context={"reason": reason})
    except OSError as error:  # smtplib's errors among them
        return SecondFactorReset(account, factors, mail_failure=f"{error.__class__.__name__}: {error}")
    return SecondFactorReset(account, factors, not_told=not_told)
