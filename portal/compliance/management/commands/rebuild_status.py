import time

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.compliance.ledger import everyone_lock
from portal.compliance.models import RequirementStatus, StatusInterval
from portal.compliance.projection import refresh


class Command(BaseCommand):
    help = (
        "Rebuild the status projection (one row per person and requirement) and its history in effective time (the "
        "runs a report 'as it was' reads) from the ledger and the roster."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        with transaction.atomic():
            everyone_lock()  # no fact recorded between reading the ledger and writing the status it gives
            changed = refresh()
        self.stdout.write(
            f"Status rebuilt: {changed} rows changed, {RequirementStatus.objects.count()} rows in all, "
            f"{StatusInterval.objects.count()} runs in effective time, {time.perf_counter() - started:.1f}s."
        )
