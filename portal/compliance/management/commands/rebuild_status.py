import time

from django.core.management.base import BaseCommand

from portal.compliance.services import status_rebuild
from portal.lib.commands import command_line, failure_told


class Command(BaseCommand):
    help = (
        "Rebuild the status projection (one row per person and requirement) and its history in effective time (the "
        "runs a report 'as it was' reads) from the ledger and the roster. The audit log records it."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        kept = "Nothing was changed: the status table is as it was."  # one transaction
        with failure_told("Rebuilding the status", kept=kept, traceback=options["traceback"]):
            figures = status_rebuild(user=None, via=command_line("rebuild_status"))
        self.stdout.write(
            f"Status rebuilt: {figures['changed']} rows changed, {figures['rows']} rows in all, "
            f"{figures['runs']} runs in effective time, {time.perf_counter() - started:.1f}s."
        )
