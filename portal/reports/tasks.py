import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django_tasks import task

from portal.people.roles import staff_for_user

from .kept import days_keep
from .models import EvidencePack
from .scope import past_day, teams_on

logger = logging.getLogger(__name__)


@task()
def evidence_pack_build_task(pack_id: int) -> str:
    """Build a pack in the background. A failure is recorded on the pack, for the person waiting to see. The pack
    moves from waiting to being made in one conditional UPDATE, for the making its row numbers: a task run twice (a
    pack asked for again after its worker stopped, and the old task found after all) makes it once. A making overtaken
    by a later one (`views_packs.pack_again`) writes nothing to the row and keeps none of its files (`pack_build`)."""
    pack = EvidencePack.objects.select_related("team", "requested_by").get(pk=pack_id)
    claimed = EvidencePack.objects.filter(pk=pack_id, status=EvidencePack.QUEUED, making=pack.making).update(
        status=EvidencePack.RUNNING, progress_at=timezone.now()
    )
    if not claimed:
        return EvidencePack.objects.values_list("status", flat=True).get(pk=pack_id)
    ours = EvidencePack.objects.filter(pk=pack_id, making=pack.making)
    refused = _refused(pack)
    if refused:
        logger.info("Evidence pack %s not made: %s", pack_id, refused)
        ours.update(status=EvidencePack.FAILED, error=refused)
        return EvidencePack.FAILED
    from .packs import pack_build  # here, not at the top: see views.certificate_pdf

    try:
        pack_build(pack)
    except Exception as error:
        logger.exception("Evidence pack %s failed", pack_id)
        for written in (pack.csv, pack.pdf):  # a file written before the failure, named nowhere else: not kept
            if written.name:
                written.storage.delete(written.name)
        ours.update(status=EvidencePack.FAILED, error=str(error)[:1000])
        raise
    return pack.status


def _refused(pack: EvidencePack) -> str:
    """Why the pack's requester may no longer have it made, or "": checked again as the worker reaches the pack, as
    the pages check it, since a role, a manager's assignment or the account itself may have ended since they asked.
    The download checks again too; refusing here keeps the team's records from being written to disk at all."""
    user = pack.requested_by
    staff = staff_for_user(user)
    try:
        if not user.is_active or (staff is not None and staff.has_left()):
            raise PermissionDenied
        teams_on(user, pack.team_id, past_day(pack.as_at), pack.basis)  # as the pack's pages check it
    except (PermissionDenied, Http404):
        return f"{user.email} may no longer report on {pack.team.name}: nothing was made."
    return ""


@task()
def days_keep_task(days: list[str]) -> int:
    """Compute and keep the figures for days that have ended (see reports.kept): the trend's month ends, or
    yesterday in the nightly run."""
    return days_keep(datetime.date.fromisoformat(day) for day in days)
