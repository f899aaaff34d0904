"""Sending reminders: each email is claimed before it goes, sent once ever, and the day's run goes on past one refusal.

Each (person, requirement, stage, days before, due date, recipient) is sent once, ever. The ReminderLog row is the
claim: it is inserted, in its own transaction, before the email goes; a unique constraint refuses a second insert,
so a second run, or a second worker at the same moment, skips what is already claimed. It is marked sent (`sent_at`)
once the mail server has taken the email. If the email cannot be sent, whatever the reason (the server down or
refusing it, an address Django cannot read, the worker stopped mid-send), the claim is withdrawn so that the next run
tries again. A worker killed outright between the claim and the send (SIGKILL, the machine restarted) withdraws
nothing: its claim stays unsent, and a run after CLAIM_LEFT_AFTER takes it over (one conditional UPDATE, so two runs
cannot both) and sends it. Only claims marked sent count as sent (`reminders`' ladder, the weekly list, the run's
counts). What is due, and to whom, is `reminders`'.

The day's run sends on one connection to the mail server (`django.core.mail.get_connection()`), not one per email:
hundreds of emails would otherwise each connect, say hello, start TLS and sign in. It is opened for the first email,
kept between emails, closed at the end however the run ends, and closed after a fault of the server (so that the next
email tries a new one, as each did when each had its own); a refused recipient leaves it open.
"""

import datetime
import logging
import smtplib
from collections import Counter, defaultdict

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from portal.lib.mail import reply_to

from . import reminder_lists
from .models import ReminderLog, ReminderRefusal, ReminderRun
from .reminders import Message, messages_due, remindable

logger = logging.getLogger(__name__)

SENT, ALREADY_SENT, NOT_SENT, MAIL_DOWN = "sent", "already sent", "not sent", "mail down"
# Claimed less than CLAIM_LEFT_AFTER ago and not marked sent: being sent by another worker, or left by one that died;
# which, nobody can tell yet. Not ALREADY_SENT: it may never have gone.
UNCONFIRMED = "claimed, not confirmed"
NO_LONGER_DUE = "no longer due"  # done, retired, paused or no longer theirs since the run read what was due
# The mail server, not this email: each email after it would fail the same way (most after waiting out EMAIL_TIMEOUT).
# Any other OSError (refused connection, timeout, TLS) is the server too; the other SMTP errors (they are OSErrors as
# well) are about one email: its recipient or its message refused.
SERVER_FAULTS = (
    smtplib.SMTPSenderRefused,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
)
MAIL_DOWN_AFTER = 3  # emails failing so in a row before a run leaves the rest for the next run
NOT_SENT_COUNT = "not_sent"  # in `reminders_send`'s counts: the emails that did not go, for the next run
# A claim not marked sent this long after it was made was left by a worker killed before it sent (or before it marked
# it sent: then the email goes twice, which is better than never). Far longer than one email takes (a few SMTP
# exchanges of at most EMAIL_TIMEOUT each), so a claim a live worker is still sending is left to it.
CLAIM_LEFT_AFTER = datetime.timedelta(hours=1)


def message_send(message: Message) -> str:
    """Claim the message's ReminderLog row, then send: SENT; ALREADY_SENT if it was claimed before (by an earlier run
    or another worker); NOT_SENT or MAIL_DOWN if the email could not be sent (the claim is then withdrawn, so the
    next run tries again)."""
    return messages_send([message])


def messages_send(messages: list[Message], *, connection=None, errors: list | None = None) -> str:
    """One email to one recipient about `messages` (all of one stage): each is claimed as `message_send` claims one,
    and those claimed before are left out; what is left goes as its own text when it is one message, else as one list
    (`reminder_lists.email_for`). The outcome as `message_send`'s: ALREADY_SENT if nothing was left to send; if the
    email could not be sent, every claim is withdrawn, so the next run tries them all again, and the outcome is
    MAIL_DOWN when the mail server could not be reached (or refuses every email), NOT_SENT when it refused this one;
    UNCONFIRMED, not ALREADY_SENT, when nothing was left to send and some claim of it is not yet marked sent.
    `connection`: the run's connection to the mail server, opened here if it is not open, and closed on MAIL_DOWN;
    None, a connection of the email's own. A message no longer due (`still_due`) is neither claimed nor sent:
    NO_LONGER_DUE when none is left. `errors`, if given, gets the exception of an email that could not be sent (the
    daily run records the mail server's last answer: `ReminderRun.error`)."""
    messages = still_due(messages)
    if not messages:
        return NO_LONGER_DUE
    claims = [(message, _claim(message)) for message in messages]
    claimed = [(message, log) for message, log in claims if isinstance(log, int)]
    if not claimed:
        return UNCONFIRMED if any(log == UNCONFIRMED for _, log in claims) else ALREADY_SENT
    left, logs = [message for message, _ in claimed], [log for _, log in claimed]
    recipient = left[0].recipient
    try:
        _email_send(left, logs, connection)
    except OSError as error:  # smtplib's errors among them
        logger.exception("Could not send the %s reminder (logs %s) to %s", left[0].stage, logs, recipient)
        ReminderLog.objects.filter(pk__in=logs).delete()
        if errors is not None:
            errors.append(error)
        if (answer := refused_for_good(error, recipient)) is not None:
            _refusals_record(left, answer, for_good=True)
        elif (answer := refused_for_now(error, recipient)) is not None:
            _refusals_record(left, answer, for_good=False)
        about_this_email = isinstance(error, smtplib.SMTPException) and not isinstance(error, SERVER_FAULTS)
        if not about_this_email and connection is not None:
            _connection_close(connection)  # dropped, or never made: the next email tries a new one
        return NOT_SENT if about_this_email else MAIL_DOWN
    except Exception as error:
        # Not the mail server: this email could not be made or sent (an address Django's SMTP backend cannot read
        # raises ValueError before the server sees it, say). Withdrawn as a refusal is, and the run goes on.
        logger.exception("Could not send the %s reminder (logs %s) to %s", left[0].stage, logs, recipient)
        ReminderLog.objects.filter(pk__in=logs).delete()
        if errors is not None:
            errors.append(error)
        return NOT_SENT
    except BaseException:
        # The worker stopped mid-send (shut down, interrupted): whether the server took it is not known, and a
        # reminder sent twice is better than one never sent, so the claim goes and the next run sends it.
        ReminderLog.objects.filter(pk__in=logs).delete()
        raise
    ReminderLog.objects.filter(pk__in=logs).update(sent_at=timezone.now())
    return SENT


def _email_send(messages: list[Message], logs: list[int], connection) -> None:
    """Make and send the one email about `messages`, whose claims are `logs`."""
    subject, body = (
        (messages[0].subject, messages[0].body) if len(messages) == 1 else reminder_lists.email_for(messages)
    )
    if len(messages) > 1:  # each line's log names the email it went in
        ReminderLog.objects.filter(pk__in=logs).update(subject=subject[:255])
    sent_by = messages[0].sent_by
    answer_to = [sent_by.email] if sent_by is not None and sent_by.email else reply_to()
    email = EmailMessage(
        subject=subject, body=body, to=[messages[0].recipient], reply_to=answer_to, connection=connection
    )
    if connection is not None:
        connection.open()  # nothing to do while it is open; otherwise kept open after this email, unlike send's
    email.send()


def still_due(messages: list[Message]) -> list[Message]:
    """`messages` but those about a due date the person no longer has: the run reads everything due first and then
    sends, one email after another, for minutes with thousands to send; meanwhile someone may complete the course (a
    new due date), HR may retire it, pause the person, close their account, take a module off the site, or the roster
    end it for them (no status row): what the run asked when it chose the message (`reminders.remindable`) is asked
    again. They are told nothing, nor is anyone told about them. A list a manager sends by hand, and the weekly list,
    are about no one due date and go as they are. One query, however many messages."""
    about = [message for message in messages if message.requirement is not None]
    if not about:
        return messages
    keys = Q()
    for message in about:
        keys |= Q(staff_id=message.staff.pk, requirement_id=message.requirement.pk, due_on=message.due_on)
    current = set(remindable(timezone.localdate()).filter(keys).values_list("staff_id", "requirement_id", "due_on"))
    return [
        message
        for message in messages
        if message.requirement is None or (message.staff.pk, message.requirement.pk, message.due_on) in current
    ]


def _connection_close(connection) -> None:
    """Close the run's connection, if open. A server that does not take its leave politely (QUIT refused, or gone
    already) changes nothing sent, and does not stop the run: the backend has let the connection go all the same."""
    try:
        connection.close()
    except OSError:
        logger.warning("The mail server did not close the reminder run's connection cleanly", exc_info=True)


def refused_for_good(error: OSError, recipient: str) -> str | None:
    """What the mail server answered, if it refused `recipient` for good: a 5xx to the address (SMTPRecipientsRefused).
    None for anything else: a 4xx (mailbox full, try later), a refused message, a server down or refusing everyone."""
    code, answer = _answer_to(error, recipient)
    return answer if code is not None and code >= 500 else None


def refused_for_now(error: OSError, recipient: str) -> str | None:
    """What the mail server answered, if it refused `recipient` for now: a 4xx to the address (SMTPRecipientsRefused:
    a full mailbox, try later). None for anything else, a 5xx among them (`refused_for_good`)."""
    code, answer = _answer_to(error, recipient)
    return answer if code is not None and 400 <= code < 500 else None


def _answer_to(error: OSError, recipient: str) -> tuple[int | None, str]:
    """The mail server's answer to `recipient` in `error`: (its code, its words), or (None, "") if it has none (a
    refused message, a server down or refusing everyone)."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused):
        return None, ""
    answers = {address.lower(): answer for address, answer in error.recipients.items()}
    code, text = answers.get(recipient.lower(), (None, b""))
    if not isinstance(code, int):
        return None, ""
    return code, f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"[:255]


def _refusals_record(messages: list[Message], answer: str, *, for_good: bool) -> None:
    ReminderRefusal.objects.bulk_create(
        ReminderRefusal(
            staff=message.staff,
            requirement=message.requirement,
            stage=message.stage,
            due_on=message.due_on,
            recipient=message.recipient,
            error=answer,
            for_good=for_good,
        )
        for message in messages
    )


def _claim(message: Message) -> int | str:
    """The id of the message's claim, made now; or of a claim left unsent (`_claim_left`), taken over. When it is
    claimed already: ALREADY_SENT if that claim was marked sent, else UNCONFIRMED (being sent by another worker, or
    left by one killed less than CLAIM_LEFT_AFTER ago)."""
    try:
        with transaction.atomic():
            return ReminderLog.objects.create(
                staff=message.staff,
                requirement=message.requirement,
                stage=message.stage,
                due_on=message.due_on,
                recipient=message.recipient,
                subject=message.subject[:255],
                sent_by=message.sent_by,
                days_before=message.days_before,
            ).pk
    except IntegrityError:
        return _claim_left(message)


def _claim_left(message: Message) -> int | str:
    """The message's claim, if it was never marked sent and was made more than CLAIM_LEFT_AFTER ago (its worker was
    killed before it sent), taken over by claiming it again: one conditional UPDATE, so that of two runs at once only
    one does. Otherwise what `_claim` says of a claim made already. One query to find it, and one more only when it is
    left."""
    now = timezone.now()
    left = ReminderLog.objects.filter(sent_at__isnull=True, claimed_at__lt=now - CLAIM_LEFT_AFTER)
    found = (
        ReminderLog.objects.filter(
            staff=message.staff,
            requirement=message.requirement,
            stage=message.stage,
            days_before=message.days_before,
            due_on=message.due_on,
            recipient=message.recipient,
        )
        .values_list("pk", "sent_at", "claimed_at")
        .first()
    )
    if found is None:  # a claim withdrawn since the insert was refused: claimed and failed, or the digest's own rule
        return ALREADY_SENT
    pk, sent_at, claimed_at = found
    if sent_at is not None:
        return ALREADY_SENT
    if claimed_at >= now - CLAIM_LEFT_AFTER or not left.filter(pk=pk).update(
        claimed_at=now, subject=message.subject[:255], sent_by=message.sent_by
    ):
        return UNCONFIRMED
    return pk


def reminders_send(today: datetime.date) -> Counter:
    """The daily run: send what is due on `today` and not sent before, one email per recipient and stage. Returns how
    many emails were sent, by stage, and under NOT_SENT_COUNT how many did not go. An email the mail server refuses
    is logged and the run goes on; when the server cannot be reached for MAIL_DOWN_AFTER emails in a row, the rest
    are left for the next run (each would wait out EMAIL_TIMEOUT: with thousands to send, the run would take hours).
    Nothing not sent is recorded as sent. All on one connection to the mail server (this module's docstring). The
    run's outcome is a ReminderRun row (two queries), made as it starts and finished as it ends, which HR's pages
    read (`reminder_runs.reminder_run_warning`): whichever door ran it, HR hear when the mail server was down."""
    run = ReminderRun.objects.create(day=today, started_at=timezone.now())
    batches = defaultdict(list)
    for message in messages_due(today):
        batches[(message.stage, message.recipient)].append(message)
    sent, failed, down_in_a_row = Counter(), 0, 0
    down, errors, fault = 0, [], None  # emails not sent for the server's fault; one email's errors; the run's fault
    connection = get_connection()
    try:
        for done, ((stage, _), batch) in enumerate(batches.items(), start=1):
            outcome = messages_send(batch, connection=connection, errors=errors)
            sent[stage] += outcome == SENT
            failed += outcome in {NOT_SENT, MAIL_DOWN}
            down += outcome == MAIL_DOWN
            if errors and (outcome == MAIL_DOWN or not down):  # the server's fault says more than one refusal
                fault = errors[-1]
            errors.clear()
            down_in_a_row = down_in_a_row + 1 if outcome == MAIL_DOWN else 0
            if down_in_a_row >= MAIL_DOWN_AFTER:
                left = len(batches) - done
                logger.error(
                    "The mail server could not be reached for %d reminder emails in a row on %s: the other %d emails "
                    "of the run are left for the next run, which sends them all.",
                    down_in_a_row,
                    today,
                    left,
                )
                failed += left
                down += left
                break
    finally:
        _connection_close(connection)
    run.finished_at, run.sent, run.not_sent, run.mail_down = timezone.now(), sum(sent.values()), failed, down
    run.error = fault_said(fault) if fault is not None else ""
    run.save(update_fields=["finished_at", "sent", "not_sent", "mail_down", "error"])
    if failed:
        logger.warning("%d reminder emails for %s were not sent; the next run tries them again.", failed, today)
        sent[NOT_SENT_COUNT] = failed
    return +sent


def fault_said(error: BaseException) -> str:
    """What the mail server (or the email) answered, for HR to pass to IT: the exception's class and message, with an
    SMTP answer's code and words decoded (`SMTPAuthenticationError: 535 5.7.8 Authentication failed`)."""
    if isinstance(error, smtplib.SMTPResponseException):
        words = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        said = f"{error.smtp_code} {words}"
    else:
        said = str(error)
    return f"{type(error).__name__}: {said}"[:255]
