"""The staff roster as an import: people.roster plans it; applying it (all or nothing) goes through
compliance.roster, which refreshes the standing of everyone it touches.

The emails an apply owes (new people's invitations, and notices to both addresses of a sign-in email that moved) are
sent once the batch is marked applied, each on its own. The roster is saved whatever the email server does; the
batch's summary keeps who has not been emailed yet (`summary["emails"]`), so the page can say so and HR can send
those again, after a failure or a worker restart alike."""

import datetime
import logging
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.stalled import stalled_before
from portal.people.emails import invitation_send, sign_in_email_changed_send
from portal.people.models import StaffMember
from portal.people.roster import RosterPlan, own_standing_refuse, plan_roster

from ..models import ImportBatch
from ..roster import roster_apply
from .base import Importer, Progress
from .own_records import APPLIER, ASK_ANOTHER, CLIENTS_MAKER, FROM_THEIR_OWN_FILE, TOKEN_HOLDER, VIEWER
from .roster_dry_run import roster_dry_run_kept, roster_dry_run_shown
from .services import ImportRefused

logger = logging.getLogger(__name__)

# After this many failed sends in a row the email server is down, not one address wrong: the rest wait for HR to send
# them again, rather than each waiting EMAIL_TIMEOUT on a server that is not there (10,000 starters, 10 s each).
FAILURES_IN_A_ROW = 10
# What has been sent is written on the batch every this many emails: a worker stopped part way re-sends at most these.
EMAILS_PER_SAVE = 50
# A row that changes what its own person's training status is worked out from (people.roster.STANDING_FIELDS), when
# that person is whoever would apply it (`own_records`), in the words of the completions import's refusal. "{facts}"
# is the changes, as the dry run says them.
CHANGES = "and it changes what {} training status is worked out from ({{facts}}). " + ASK_ANOTHER + "apply it."
CLIENT_CHANGES = (
    "and it changes what their training status is worked out from ({facts}), so nothing the client sends can change "
    "it. " + FROM_THEIR_OWN_FILE.format("apply")
)
REASONS = {
    VIEWER: "this is your own record, " + CHANGES.format("your"),
    APPLIER: "this is the record of the HR officer who asked to apply this file, " + CHANGES.format("their"),
    CLIENTS_MAKER: "this is the record of the HR officer who made this client, " + CLIENT_CHANGES,
    TOKEN_HOLDER: "this is the record of the HR officer who was last shown this client's token, " + CLIENT_CHANGES,
}


def apply(batch: ImportBatch, plan: RosterPlan, progress: Progress) -> dict:
    """One transaction: a roster is all or nothing. The summary kept on the batch lists the emails it owes, which
    `emails_send` sends once the batch is marked applied."""
    progress.update(0, plan.rows)  # the page shows "0 of N rows" until the whole roster commits
    with transaction.atomic():
        applied = roster_apply(plan, confirmed_identity=batch.summary.get("confirmed_identity", ""))
        progress.update(plan.rows, plan.rows)
    progress.committed()
    # A leaver in the file is added (their history counts) but never invited: the page says how many were.
    return {
        **plan.summary,
        "invited": 0,  # counted as each invitation goes
        "to_invite": len(applied.new_people),
        "emails": {
            "invitations_unsent": [staff.pk for staff in applied.new_people],
            "notices_unsent": [[move.staff.pk, move.old, move.new] for move in applied.moved],
            "error": "",  # what the email server said when the last send failed
            "progress_at": timezone.now().isoformat(),
        },
    }


def own_refuse(plan: RosterPlan, user_id: int, who: str) -> list[tuple[int, str]]:
    """The import's `own_refuse`: the row that would change the standing of `user_id`, rejected."""
    return own_standing_refuse(plan, user_id, REASONS[who])


def emails_send(batch_id: int) -> None:
    """Send the emails an applied roster still owes, each on its own: one that fails stays owed, with what the email
    server said, and the next is tried. Safe to run again: only those still owed are sent. Nobody is invited whose
    account has been closed since (they left) or who has been removed."""
    batch = ImportBatch.objects.select_related("applied_by").get(pk=batch_id)
    owed = batch.summary.get("emails", {})
    invitations, notices = owed.get("invitations_unsent", []), owed.get("notices_unsent", [])
    people = StaffMember.objects.select_related("user").in_bulk([*invitations, *(notice[0] for notice in notices)])
    on = timezone.localdate(batch.applied_at) if batch.applied_at else timezone.localdate()
    outbox = []  # (the list it is struck off once sent, its entry there, how to send it: None if no longer owed)
    for pk in invitations:
        staff = people.get(pk)
        owed_still = staff is not None and staff.user.is_active
        outbox.append(("invited", pk, partial(invitation_send, staff)) if owed_still else ("dropped", pk, None))
    for notice in notices:
        pk, old, new = notice[:3]
        staff = people.get(pk)
        for address in notice_addresses(notice):
            tell = partial(sign_in_email_changed_send, staff, old=old, new=new, on=on, by=batch.applied_by, to=address)
            outbox.append(("told", [*notice[:3], address], tell if staff is not None else None))
    done, error, failures_in_a_row = _nothing_done(), "", 0
    for number, (kind, entry, send) in enumerate(outbox, start=1):
        try:
            if send is not None:
                send()
        except Exception as failure:  # whatever stops one message (a refused address, no server) spares the next
            # The mail server's refusal or absence (OSError, smtplib's errors among them) is said in one line; anything
            # else is a fault of ours, logged with its traceback.
            logger.warning(
                "Roster batch %s: an email failed (%s)", batch_id, failure, exc_info=not isinstance(failure, OSError)
            )
            error, failures_in_a_row = str(failure) or failure.__class__.__name__, failures_in_a_row + 1
            if failures_in_a_row >= FAILURES_IN_A_ROW:
                break
        else:
            failures_in_a_row = 0
            done[kind].append(entry)
        if number % EMAILS_PER_SAVE == 0:
            _emails_record(batch_id, done)
            done = _nothing_done()
    owed = _emails_record(batch_id, done, error=error)
    if owed["invitations_unsent"] or owed["notices_unsent"]:
        logger.warning(
            "Roster %s (batch %s) applied. %s could not be sent (the email server said: %s). HR can send them again "
            "from %s",
            batch.filename,
            batch_id,
            _emails_named(len(owed["invitations_unsent"]), len(owed["notices_unsent"])),
            error,
            reverse("imports:batch", args=[batch_id]),
        )


def notice_addresses(notice: list) -> list[str]:
    """The addresses a notice still owed goes to: [staff, old, new] is owed to both, old first; [staff, old, new,
    address] to that one only, the other having been told."""
    return notice[3:] or notice[1:3]


def emails_unsent(batch: ImportBatch) -> int:
    """How many emails an applied roster still owes, as sending them again sends them: an invitation each, and each
    address a notice is still owed to (`notice_addresses`)."""
    owed = (batch.summary or {}).get("emails", {})
    notices = owed.get("notices_unsent", [])
    return len(owed.get("invitations_unsent", [])) + sum(len(notice_addresses(notice)) for notice in notices)


def _notices_still_owed(owed: list[list], told: list[list]) -> list[list]:
    """`owed` once the addresses in `told` ([staff, old, new, address] each) have been told: a notice both of whose
    addresses were told is struck off; one with an address left is kept for that address alone."""
    left = []
    for notice in owed:
        addresses = [a for a in notice_addresses(notice) if [*notice[:3], a] not in told]
        if addresses == notice_addresses(notice):
            left.append(notice)
        elif addresses:
            left.append([*notice[:3], *addresses])
    return left


def _emails_named(invitations: int, notices: int) -> str:
    """'2 invitations and 1 notice of a changed sign-in email', for the log and the audit line."""
    parts = []
    if invitations:
        parts.append(f"{invitations} invitation{'s' if invitations != 1 else ''}")
    if notices:
        parts.append(f"{notices} notice{'s' if notices != 1 else ''} of a changed sign-in email")
    return " and ".join(parts)


def _nothing_done() -> dict[str, list]:
    return {"invited": [], "dropped": [], "told": []}


def _emails_record(batch_id: int, done: dict[str, list], *, error: str | None = None) -> dict:
    """Strike what was sent (or is no longer owed) off the batch's list, count the invitations, and show a sign of
    life; `error`, once a run ends, is what the server said last ('' when every send worked). Returns what is owed."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        summary = batch.summary
        owed = summary.setdefault("emails", {})
        off = {*done["invited"], *done["dropped"]}
        owed["invitations_unsent"] = [pk for pk in owed.get("invitations_unsent", []) if pk not in off]
        owed["notices_unsent"] = _notices_still_owed(owed.get("notices_unsent", []), done["told"])
        owed["progress_at"] = timezone.now().isoformat()
        if error is not None:
            owed["error"] = error
        summary["invited"] = summary.get("invited", 0) + len(done["invited"])
        ImportBatch.objects.filter(pk=batch_id).update(summary=summary)
    return owed


def emails_send_again(*, batch: ImportBatch, user, request=None, via: str = "") -> bool:
    """HR asks again for the emails an applied roster could not send (the batch page's button): only those still owed
    go, in the task worker, and the audit log says who asked. False when none are owed. Refused while they are being
    sent, unless that has shown no sign of life since `stalled_before` (its worker was restarted)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        owed = batch.summary.get("emails", {})
        invitations, notices = len(owed.get("invitations_unsent", [])), len(owed.get("notices_unsent", []))
        if not invitations and not notices:
            return False
        last_sign = datetime.datetime.fromisoformat(owed["progress_at"])
        if not owed.get("error") and last_sign >= stalled_before():
            raise ImportRefused(
                "This roster has already been applied. Its emails are being sent now: check this page again in a few "
                "minutes, and if it still says they are waiting later on, send them again then."
            )
        owed.update(error="", progress_at=timezone.now().isoformat())
        ImportBatch.objects.filter(pk=batch.pk).update(summary=batch.summary)
        audit_record(
            actor=user if getattr(user, "pk", None) else via or "the command line",
            action=AuditEvent.IMPORT,
            scope=f"{IMPORTER.audit_name} {batch.filename}",
            request=request,
            batch=batch.pk,
            sent_again=_emails_named(invitations, notices),
        )
        from .tasks import roster_emails_send_task

        transaction.on_commit(lambda: roster_emails_send_task.enqueue(batch.pk))
    return True


IMPORTER = Importer(
    kind=ImportBatch.ROSTER,
    title="Import the staff roster",
    noun="roster",
    file_noun="roster file",
    heading="Roster",
    summary="People, their teams, line managers, start and leave dates, from an ESR staff list.",
    help_text="An ESR staff list saved as CSV or Excel (.xlsx), smaller than 30 MB",
    # ESR's Staff in Post report has 50-60 columns, about 900 bytes a row as CSV: 30 MB is some 34,000 assignments,
    # the largest trusts' (bench/roster_wide.py: 30,000 rows, 25 MB; docs/benchmarks.md has what its plan costs).
    max_bytes=30 * 1024 * 1024,
    plan=plan_roster,
    apply=apply,
    audit_name="Roster",
    emails_send=emails_send,
    emails_send_again=emails_send_again,
    own_refuse=own_refuse,
    dry_run_kept=roster_dry_run_kept,
    dry_run_shown=roster_dry_run_shown,
)
