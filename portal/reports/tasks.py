import datetime
import logging

from django.utils import timezone
from django_tasks import task

from .kept import days_keep
from .models import EvidencePack
from .packs import pack_build

logger = logging.getLogger(__name__)


@task()
def evidence_pack_build_task(pack_id: int) -> str:
    """Build a pack in the background. A failure is recorded on the pack, for the person waiting to see. The pack
    moves from waiting to being made in one conditional UPDATE: a task run twice (a pack asked for again after its
    worker stopped, and the old task found after all) makes it once."""
    claimed = EvidencePack.objects.filter(pk=pack_id, status=EvidencePack.QUEUED).update(
        status=EvidencePack.RUNNING, progress_at=timezone.now()
    )
    pack = EvidencePack.objects.select_related("team", "requested_by").get(pk=pack_id)
    if not claimed:
        return pack.status
    try:
        pack_build(pack)
    except Exception as error:
        logger.exception("Evidence pack %s failed", pack_id)
        EvidencePack.objects.filter(pk=pack_id).update(status=EvidencePack.FAILED, error=str(error)[:1000])
        raise
    return pack.status


@task()
def days_keep_task(days: list[str]) -> int:
    """Compute and keep the figures for days that have ended (see reports.kept): the trend's month ends, or
    yesterday in the nightly run."""
    return days_keep(datetime.date.fromisoformat(day) for day in days)
