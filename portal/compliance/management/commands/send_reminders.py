import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.compliance.tasks import send_reminders_task


class Command(BaseCommand):
    help = "Queue today's reminders (for cron, daily). Each reminder is sent once, however often this runs."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if it were this day (YYYY-MM-DD); default today, UK time.")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from error
        result = send_reminders_task.enqueue(day.isoformat())
        if result.is_finished:
            counts = result.return_value or {}
            total = sum(counts.values())
            detail = ", ".join(f"{stage}: {n}" for stage, n in sorted(counts.items())) or "none due"
            self.stdout.write(f"Reminders for {day:%d %B %Y}: {total} sent ({detail}).")
        else:
            self.stdout.write(f"Reminders for {day:%d %B %Y} queued as task {result.id}; the worker will send them.")
