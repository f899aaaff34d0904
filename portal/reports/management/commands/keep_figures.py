import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.lib.commands import failure_told
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
        # A day at a time, each kept whole in its own transaction: a failure keeps the days before it.
        days, computed = sorted(days), []
        with failure_told(
            "Keeping the figures",
            kept=lambda: _kept_before_failing(computed, days[len(computed) :]),
            traceback=options["traceback"],
        ):
            for day in days:
                computed.append(days_keep([day]))
        self.stdout.write(
            f"Kept the figures for {sum(computed)} day(s); {len(days) - sum(computed)} were kept already."
        )


def _kept_before_failing(computed: list[int], left: list[datetime.date]) -> str:
    """What a run that failed at the first of `left` kept: the days it computed before then stay."""
    kept = sum(computed)
    before = f"This run kept the figures for {_days(kept)} before it failed; those stay. " if kept else ""
    return (
        f"{before}It stopped at {left[0]:%-d %B %Y}, with {_days(len(left))} still to do: run it again to fill "
        "them in (a day already kept is not computed again)."
    )


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"
