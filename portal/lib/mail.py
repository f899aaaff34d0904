"""The emails the portal sends: built in one place, so each carries what every one must.

Replies go to settings.PORTAL_REPLY_TO when it is set (HR's training mailbox, say): the sending address is often one
nobody reads, and people do answer ("I did it on ESR last week"). Unset, a message has no Reply-To and replies go to
the sender, DEFAULT_FROM_EMAIL."""

from django.conf import settings
from django.core.mail import EmailMessage


def reply_to() -> list[str]:
    """The Reply-To of the portal's emails: settings.PORTAL_REPLY_TO, or none."""
    address = getattr(settings, "PORTAL_REPLY_TO", "")
    return [address] if address else []


def email_message(*, subject: str, body: str, to: list[str]) -> EmailMessage:
    """A plain-text email from DEFAULT_FROM_EMAIL to `to`, answered to PORTAL_REPLY_TO; `.send()` it, after
    attaching anything it carries."""
    return EmailMessage(subject=subject, body=body, to=to, reply_to=reply_to())


def email_send(*, subject: str, body: str, to: list[str]) -> None:
    """Send a plain-text email (`email_message`). A mail server's failure is raised, as `send_mail` raises it."""
    email_message(subject=subject, body=body, to=to).send()
