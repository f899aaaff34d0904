from django.conf import settings
from django.core.management.base import BaseCommand

from portal.lib.commands import failure_told
from portal.reports.retention import pack_files_remove


class Command(BaseCommand):
    help = (
        "Remove the PDF and spreadsheet of every evidence pack made more than PORTAL_PACK_KEEP_DAYS days ago (the "
        "pack's row stays, and the same pack can be asked for again). Run it nightly; a second run removes nothing."
    )

    def handle(self, *args, **options):
        kept = "The packs whose files were removed before it stopped stay removed; run it again to remove the rest."
        with failure_told("Removing old evidence pack files", kept=kept, traceback=options["traceback"]):
            removed = pack_files_remove()
        packs = "1 evidence pack" if removed == 1 else f"{removed} evidence packs"
        self.stdout.write(f"Removed the files of {packs} made more than {settings.PORTAL_PACK_KEEP_DAYS} days ago.")
