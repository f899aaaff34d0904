"""How long an evidence pack's files are kept: PORTAL_PACK_KEEP_DAYS (30) after it was made, then removed
(`pack_files_remove`, run nightly by `manage.py remove_old_packs`).

Each pack's PDF and spreadsheet is a copy of a team's training records, names and all, kept only so its requester can
download it; the copy a trust needs is the one downloaded (each download is audited). A pack can be made again at
any time from the records: as recorded then, for a past day, byte for byte the same. So the files go and the row
stays: who asked for what, when, its cut-off, the spreadsheet's SHA-256 and the ledger's head, which is what
`verify_pack` checks a kept copy against."""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import EvidencePack


def keep_until(pack: EvidencePack) -> datetime.datetime | None:
    """When the pack's files go (None until it is made)."""
    if pack.finished_at is None:
        return None
    return pack.finished_at + datetime.timedelta(days=settings.PORTAL_PACK_KEEP_DAYS)


def pack_files_remove(now: datetime.datetime | None = None) -> int:
    """Remove the files of every pack made more than PORTAL_PACK_KEEP_DAYS before `now` (default: now), and mark it
    removed. Each pack is marked in one conditional UPDATE before its files go, so a download asked for meanwhile is
    refused rather than finding half a pack, and two runs at once remove each pack once; a pack whose files cannot be
    removed is ready again, for the next run. Returns how many."""
    now = now or timezone.now()
    old = EvidencePack.objects.filter(
        status=EvidencePack.DONE, finished_at__lt=now - datetime.timedelta(days=settings.PORTAL_PACK_KEEP_DAYS)
    )
    removed = 0
    for pack in old.only("pk", "pdf", "csv").order_by("pk").iterator():
        claimed = EvidencePack.objects.filter(pk=pack.pk, status=EvidencePack.DONE).update(
            status=EvidencePack.REMOVED, removed_at=now, pdf="", csv=""
        )
        if not claimed:
            continue
        try:
            for stored in (pack.pdf, pack.csv):
                if stored.name:
                    stored.storage.delete(stored.name)
        except Exception:
            # Ready again, naming its files, so that the next run removes what is left of them.
            EvidencePack.objects.filter(pk=pack.pk).update(
                status=EvidencePack.DONE, removed_at=None, pdf=pack.pdf.name, csv=pack.csv.name
            )
            raise
        removed += 1
    return removed
