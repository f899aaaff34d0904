"""Uploading, planning and applying an import of any kind. Applying runs in the task worker: the page (or the
command) asks for it, `import_batch_run` does it, and the batch row says how far it has got."""

import datetime
import logging
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record, client_address
from portal.lib import uploads
from portal.lib.stalled import stalled_before
from portal.people.models import StaffMember

from ..models import ImportBatch
from .base import Plan, Progress, importer_for
from .own_records import VIEWER, OwnRecordRefused, clients_holders, own_records_refuse, whose_own_record
from .senders import sender_refusal

logger = logging.getLogger(__name__)


# Why an apply asked for from a dry run the page showed is not made: the file, planned again, would not do the same.
CHANGED_SINCE = (
    "Not applied: the records this file changes have changed since the dry run you applied it from (another import, "
    "or a change to someone in the file), or a new day has begun (which changes who has left and who returns), so "
    "applying it now would not do what that dry run showed. The dry run below is as they are now: check it and apply "
    "again. Nothing was changed."
)
# Why an apply is refused whose form names a dry run this file never had (the form of another file's page): nothing
# about the records is known to have changed, so the file stays as it was, ready to apply from its own page.
NOT_THIS_DRY_RUN = (
    "Not applied: the form does not match this file's dry run (it names the dry run of another file). Open this "
    "file's page again and apply it from the dry run it shows. Nothing was changed."
)


class ImportRefused(ValueError):
    """The batch cannot be applied as asked (already applied, or being applied); the message says why."""


def import_batch_create(
    *, kind: str, data: bytes, filename: str, user, options: dict | None = None
) -> tuple[ImportBatch, Plan]:
    """Keep the uploaded file (privately) with its dry-run summary, so HR can review it before applying. `options`
    (a sheet's name, strict) are kept with it: every later dry run and the apply read the file the same way. Rows
    the API sent are refused when they are the own record of whoever holds its client's token (`own_records`)."""
    importer = importer_for(kind)
    options = {name: value for name, value in (options or {}).items() if value}
    plan, kept = _planned(importer, data, options)
    batch = ImportBatch.objects.create(
        kind=kind,
        filename=filename[:255],
        sha256=plan.sha256,
        uploaded_by=user,
        row_count=plan.rows,
        summary={**plan.summary, "options": options, **kept},
    )
    batch.stored_name = uploads.stored_name(kind, batch)
    batch.save(update_fields=["stored_name"])
    storage = storages["private"]
    storage.delete(batch.stored_name)
    storage.save(batch.stored_name, ContentFile(data))
    return batch, plan


def _planned(importer, data: bytes, options: dict) -> tuple[Plan, dict]:
    """The dry run of a file, its rows refused that are the own record of whoever holds the token of the API client
    that sent it (if one did), and what of it to keep on the batch ({"dry_run": ...}, for a kind that keeps it)."""
    plan = importer.plan(data, **options)
    fingerprint = getattr(plan, "fingerprint", "")  # before any row is refused as someone's own: the file's plan
    own_records_refuse(importer, plan, clients_holders(options))
    return plan, _kept(importer, plan, fingerprint)


def _kept(importer, plan: Plan, fingerprint: str) -> dict:
    return {"dry_run": _dry_run(importer, plan, fingerprint)} if importer.dry_run_kept is not None else {}


def _dry_run(importer, plan: Plan, fingerprint: str, made_at: str = "") -> dict:
    """The dry run of `plan` as its kind keeps it, with what every kind's has: when it was made, the plan's
    fingerprint, what the page itself may change that it read (`Importer.dry_run_basis`), and the accounts whose
    standing a row changes (none, for a kind whose rows are no one's own record)."""
    basis = importer.dry_run_basis() if importer.dry_run_basis is not None else ""
    made_at = made_at or timezone.now().isoformat()
    kept = importer.dry_run_kept(plan, fingerprint)
    return {"standing_of": [], **kept, "made_at": made_at, "fingerprint": fingerprint, "basis": basis}


def _keep(batch: ImportBatch, summary: dict) -> None:
    """Keep a dry run made again on the batch (with its counts), unless it has been applied meanwhile. The
    fingerprints of the dry runs it replaces stay with it (`earlier`): an apply from a page that showed one of them is
    this file's, only out of date."""
    with transaction.atomic():
        held = ImportBatch.objects.select_for_update().filter(pk=batch.pk).exclude(status=ImportBatch.DONE).first()
        before = (held or batch).summary.get("dry_run")
        if before is not None and "dry_run" in summary:
            earlier = list(dict.fromkeys([*before.get("earlier", []), before["fingerprint"]]))
            summary = {**summary, "dry_run": {**summary["dry_run"], "earlier": earlier}}
        batch.summary = {**(held or batch).summary, **summary}
        if held is not None:
            ImportBatch.objects.filter(pk=batch.pk).update(summary=batch.summary)


def _shown_here(batch: ImportBatch, dry_run: str) -> bool:
    """Whether `dry_run` (a fingerprint an apply form sent) is one this batch's page has shown: the dry run kept on
    it now or one it replaced. A batch waiting to apply that keeps none (uploaded before dry runs were kept, its page
    not opened since) has shown none: its page would have kept the dry run it showed. One applied or being applied
    keeps none either: the claim refuses it, saying so."""
    kept = batch.summary.get("dry_run")
    if kept is None:
        return batch.status not in {ImportBatch.PLANNED, ImportBatch.FAILED}
    return dry_run in {kept["fingerprint"], *kept.get("earlier", [])}


def import_batch_dry_run(batch: ImportBatch, *, viewer=None):
    """The dry run the batch page shows. For a kind that keeps one (`Importer.dry_run_kept`), the one kept on the
    batch, with `made_at` when it was made: the file is planned again (and kept) only when none is kept or it is out
    of date (`_out_of_date`: an earlier day, an apply asked for since, another basis), and for a `viewer` whose
    standing a row changes, whose rows are refused to them by line (not kept: no one else's; the file's dry run, kept
    again if the records have changed since, names the fingerprint their form applies). Else the plan
    (`import_batch_plan`).
    An apply asked for from a kept dry run applies only what it showed (`import_batch_run`)."""
    importer = importer_for(batch.kind)
    if importer.dry_run_kept is None:
        return import_batch_plan(batch, viewer=viewer)
    kept = batch.summary.get("dry_run")
    stale = kept is None or _out_of_date(importer, batch, kept)
    if stale or _theirs(kept, viewer):
        data = uploads.load_named(batch.stored_name, batch.sha256)
        plan, made = _planned(importer, data, batch.summary.get("options", {}))
        # Planned for the viewer, the file may find the records changed since the dry run was kept (another file
        # recorded their row): their page shows it as it is now, so its form names that dry run, kept for all.
        if stale or made["dry_run"]["fingerprint"] != kept["fingerprint"]:
            _keep(batch, {**plan.summary, **made})
        kept = batch.summary["dry_run"]
        if _theirs(kept, viewer):
            own_records_refuse(importer, plan, [(viewer.pk, VIEWER)])
            mine = _dry_run(importer, plan, kept["fingerprint"], kept["made_at"])
            kept = {**mine, "earlier": kept.get("earlier", [])}
    if importer.dry_run_shown is not None:
        kept = importer.dry_run_shown(kept)
    return {**kept, "made_at": timezone.localtime(datetime.datetime.fromisoformat(kept["made_at"]))}


def _theirs(kept: dict, user) -> bool:
    """Whether a row of a kept dry run changes the standing of `user`: their account was among those it named when it
    was made, or (for a kind that keeps them, the completions) their staff record is among those it records, joined
    to their account since. One query for such a kind, when the account was not named."""
    if not getattr(user, "pk", None):
        return False
    if user.pk in kept["standing_of"]:
        return True
    staff = kept.get("standing_staff")
    if not staff:
        return False
    return StaffMember.objects.filter(user_id=user.pk).values_list("pk", flat=True).first() in set(staff)


def _out_of_date(importer, batch: ImportBatch, kept: dict) -> bool:
    """Whether a kept dry run is to be made again before it is shown: it was made on an earlier day (a new day
    changes who has left and which dates are ahead), before an apply last showed a sign of life (asked for, started,
    a chunk recorded: it may have stopped part way, or been refused as someone's own record; a dry run the worker kept
    as it began is older than the chunks it then recorded), or with another basis (the completions' course mappings,
    which HR changes from the page itself). One query for a kind with a basis, none without."""
    made = datetime.datetime.fromisoformat(kept["made_at"])
    applying = [moment for moment in (batch.apply_started_at, batch.progress_at) if moment]
    if timezone.localdate(made) < timezone.localdate() or (applying and made < max(applying)):
        return True
    return importer.dry_run_basis is not None and kept.get("basis") != importer.dry_run_basis()


def import_batch_plan(batch: ImportBatch, *, viewer=None) -> Plan:
    """The dry run of a kept file against the database as it is now. With `viewer` (the person looking at it, who may
    be about to apply it), the rows that are their own record, which they may not apply, are rejected, said by line,
    and those of the API client's holders, for a file a client sent, as its page shows them (`_planned`)."""
    data = uploads.load_named(batch.stored_name, batch.sha256)
    importer = importer_for(batch.kind)
    options = batch.summary.get("options", {})
    plan = importer.plan(data, **options)
    if getattr(viewer, "pk", None):
        own_records_refuse(importer, plan, [(viewer.pk, VIEWER), *clients_holders(options)])
    return plan


def import_batch_apply(
    *,
    batch: ImportBatch,
    user,
    request=None,
    via: str = "",
    background: bool = True,
    confirmed_identity: str = "",
    dry_run: str = "",
) -> None:
    """Ask for `batch` to be applied: in the task worker (`background`), or here and now (the command's default).
    Asking twice (a double click, two tabs) applies once: the batch moves from "not applied" (or "failed", to finish
    a failed apply) to "waiting" in one conditional UPDATE, and only the request that moved it goes on. `via` names a
    door without a user for the audit log ("the command line (manage.py import_file)"). `confirmed_identity` is the
    roster dry run's identity fingerprint HR confirmed (kept on the batch for the worker: a roster that changes who
    people are applies only if the changes it finds then are the ones confirmed). `dry_run` is the fingerprint of the
    dry run the page showed, when asked from it: the file applies only if planned again it would do just that.
    Refused to a `user` whose own record a row would change (`own_records`), before the file is queued, planning the
    file again only if the dry run kept says a row changes their standing (or none is kept); the worker checks again.
    Refused too, to whoever applies by hand a batch an API client sent, for a row that is the own record of its
    client's maker or token holder, as its page shows that row rejected (their rows are not in the dry run kept)."""
    importer = importer_for(batch.kind)
    if dry_run and not _shown_here(batch, dry_run):
        raise ImportRefused(NOT_THIS_DRY_RUN)
    waiting = batch.status in {ImportBatch.PLANNED, ImportBatch.FAILED} or batch.stalled
    kept = batch.summary.get("dry_run")
    holders = clients_holders(batch.summary.get("options", {}))
    theirs = kept is None or bool(holders) or _theirs(kept, user)
    if waiting and getattr(user, "pk", None) and importer.own_refuse is not None and theirs:
        refusal = own_records_refuse(importer, import_batch_plan(batch), [(user.pk, VIEWER), *holders])
        if refusal:
            raise ImportRefused(refusal)
    if batch.summary.get("identity_changes") and not confirmed_identity and batch.status != ImportBatch.DONE:
        raise ImportRefused(
            "Not applied: this roster changes who some people are (listed first). Check them, tick the box to confirm "
            "them, and apply again."
        )
    # Waiting or applying with no sign of life: its worker stopped part way, and this request takes it over.
    stopped_while = batch.get_status_display().lower() if batch.stalled else ""
    claimed = _claimable(batch.pk).update(
        status=ImportBatch.QUEUED,
        progress_at=timezone.now(),
        applied_by=user if getattr(user, "pk", None) else None,
        applied_via=via,
        applied_from=client_address(request)[:64],
        error="",
        summary={**batch.summary, "confirmed_identity": confirmed_identity, "applied_from_dry_run": dry_run},
    )
    if stopped_while and claimed:
        logger.warning("Import %s (%s) had stopped while %s; asked to apply again", batch.pk, batch.kind, stopped_while)
        batch.refresh_from_db()
        _audit(batch, importer, restarted=f"it had stopped while {stopped_while}")
    if not claimed:
        batch.refresh_from_db()
        if batch.status == ImportBatch.DONE:
            raise ImportRefused(f"This {importer.noun} has already been applied.")
        raise ImportRefused(f"This {importer.noun} is already being applied.")
    if background:
        from .tasks import import_apply_task

        import_apply_task.enqueue(batch.pk)
    else:
        import_batch_run(batch.pk)
    batch.refresh_from_db()


def import_batch_emails_send_again(*, batch: ImportBatch, user, request=None, via: str = "") -> bool:
    """Send again the emails an applied batch owes and could not send (a roster's invitations), in the task worker:
    the batch page's button. False when it owes none (a second click, or a kind that sends no emails). Raises
    ImportRefused while they are still being sent."""
    send_again = importer_for(batch.kind).emails_send_again
    if batch.status != ImportBatch.DONE or send_again is None:
        return False
    return send_again(batch=batch, user=user, request=request, via=via)


def _claimable(batch_id: int):
    """The batch, if it may be asked to apply: not applied, failed, or waiting or applying but stopped (no sign of life
    since `stalled_before`). One conditional UPDATE of this moves it, so of two requests only one does."""
    silent = Coalesce("progress_at", "apply_started_at", "uploaded_at")
    stopped = Q(status__in=[ImportBatch.QUEUED, ImportBatch.RUNNING], silent_since__lt=stalled_before())
    return (
        ImportBatch.objects.filter(pk=batch_id)
        .alias(silent_since=silent)
        .filter(Q(status__in=[ImportBatch.PLANNED, ImportBatch.FAILED]) | stopped)
    )


@contextmanager
def _held(importer):
    """The transaction holding the kind's lock (`Importer.lock`), or nothing for a kind without one."""
    if importer.lock is None:
        yield
        return
    with transaction.atomic():
        importer.lock()
        yield


def import_batch_run(batch_id: int, *, between_chunks=None) -> str:
    """Apply a batch someone asked to apply (the task's body). Checks again the API client that sent it (`senders`),
    re-plans the kept file against the database as it is now, applies it through its importer, and records the
    outcome on the batch and in the audit log, whichever door it came through. A failure part way is written on the
    batch with how far it got; asking again finishes it (every kind is idempotent). Returns the batch's final
    status."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.QUEUED).update(
        status=ImportBatch.RUNNING, apply_started_at=timezone.now(), progress_at=timezone.now()
    )
    batch = ImportBatch.objects.select_related("applied_by").get(pk=batch_id)
    if not claimed:  # another worker has it, or it is done
        return batch.status
    importer = importer_for(batch.kind)
    try:
        # Sent by an API client: revoked since, or its rows no longer its to send, the file is not applied
        refusal = sender_refusal(batch)
        if refusal:
            return _fail(batch, importer, refusal)
        # Planned again, checked and applied holding what it reads (`Importer.lock`), where its kind has one: two
        # applies at once would otherwise both plan from the records as they were before either
        with _held(importer):
            plan = import_batch_plan(batch)
            fingerprint = getattr(plan, "fingerprint", "")
            # Asked for when no row was theirs, the file waited for the worker: the roster may have changed since (a
            # number now on their record, their account now joined to a staff record in the file)
            refusal = own_records_refuse(importer, plan, whose_own_record(batch))
            if refusal:  # first: whatever else has changed, this file is not theirs to apply
                # Not kept: their rows are refused to them alone. The page plans the file again (`_out_of_date`).
                raise OwnRecordRefused(refusal)
            kept = batch.summary.get("dry_run")
            if kept is not None and kept["fingerprint"] != fingerprint:  # the page shows the dry run as it is now
                _keep(batch, {**plan.summary, **_kept(importer, plan, fingerprint)})
            shown = batch.summary.get("applied_from_dry_run")
            if shown and shown != fingerprint:
                return _fail(batch, importer, CHANGED_SINCE)
            if not plan.can_apply:
                return _fail(
                    batch,
                    importer,
                    f"Not applied: this {importer.noun} has rejected rows or problems (the dry run lists them). "
                    "Fix the file and upload it again. Nothing was changed.",
                )
            summary = importer.apply(batch, plan, Progress(batch, between_chunks))
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.DONE, applied_at=timezone.now(), summary=summary, error=""
            )
            # The emails still owed (who, by staff id) are the batch's record, not the audit line's
            _audit(batch, importer, **{name: value for name, value in summary.items() if name != "emails"})
    except Exception as error:
        logger.exception("Import %s (%s) failed", batch_id, batch.kind)
        _fail(batch, importer, str(error) or error.__class__.__name__)
        raise
    if importer.emails_send is not None:
        # Outside the try: the batch is applied whatever the email server does; what is not sent stays owed on it.
        transaction.on_commit(lambda: importer.emails_send(batch.pk))
    return ImportBatch.DONE


def _fail(batch: ImportBatch, importer, message: str) -> str:
    done = ImportBatch.objects.filter(pk=batch.pk).values_list("rows_done", flat=True).first() or 0
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.FAILED, error=message[:2000])
        _audit(batch, importer, failed=message[:500], rows_done=done)
    return ImportBatch.FAILED


def _audit(batch: ImportBatch, importer, **detail) -> None:
    if batch.applied_from:
        detail["ip"] = batch.applied_from
    audit_record(
        actor=batch.applied_by or batch.applied_via or "the command line (manage.py import_file)",
        action=AuditEvent.IMPORT,
        scope=f"{importer.audit_name} {batch.filename}",
        batch=batch.pk,
        **detail,
    )
