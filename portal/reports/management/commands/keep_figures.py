import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.reports.kept import days_keep


class Command(BaseCommand):
    help = (
        "Compute and keep the compliance figures for days that have ended (yesterday by default), so that reports "
        "as at those days and the 12-month trend read them instead of the ledger. Run it nightly, after midnight."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=1, help="How many days back from yesterday to fill in.")

    def handle(self, *args, **options):
        if options["days"] < 1 or options["days"] > 3660:
            raise CommandError("--days must be between 1 and 3660.")
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        days = [yesterday - datetime.timedelta(days=n) for n in range(options["days"])]
        computed = days_keep(sorted(days))
        self.stdout.write(f"Kept the figures for {computed} day(s); {len(days) - computed} were kept already.")
