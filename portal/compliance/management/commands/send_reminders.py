import datetime
import io
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tasks import TaskResultStatus

from portal.compliance.models import ReminderLog
from portal.compliance.reminder_recipients import no_hr_warning
from portal.compliance.reminder_sending import NOT_SENT_COUNT
from portal.compliance.tasks import send_reminders_task
from portal.lib.commands import DETAILS_HERE, DETAILS_IN_LOG, at_a_terminal, failure_told, failure_warned

STAGE_LABELS = dict(ReminderLog.STAGE_CHOICES)


class Command(BaseCommand):
    help = (
        "Run the daily reminders as a background task (for cron, once a day), after publishing the pages whose "
        "scheduled go-live has passed and closing the accounts of people whose leave date has passed. Each reminder "
        "is sent once, ever, and each account closed once, however often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Run for this day (YYYY-MM-DD), today or one missed; default today, UK time. Not a day to come.",
        )
        parser.add_argument(
            "--wait",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Wait up to this long for the task worker to finish, then report what was sent.",
        )

    def handle(self, *args, date=None, wait=0, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date must be a date written YYYY-MM-DD, not {date!r}.") from error
        today = timezone.localdate()
        if day > today:
            # Each reminder is sent once, ever: a run for a day to come would tell people they are overdue before
            # they are, and the reminder they should get on that day would then never go.
            raise CommandError(
                f"--date {day:%-d %B %Y} is after today ({today:%-d %B %Y}): each reminder is sent once, ever, so a "
                "run for a day to come would send them early and they would not go on the day. Nothing was sent."
            )
        traceback = options["traceback"]
        self._publish_scheduled(traceback=traceback)
        with failure_told(f"Checking who is in HR on {day:%-d %B %Y}", kept="Nothing was sent.", traceback=traceback):
            no_hr = no_hr_warning(day)
        if no_hr:  # on stderr, which cron mails to whoever runs the server
            self.stderr.write(f"Warning for {day:%-d %B %Y}: {no_hr}")
        with failure_told(f"Queuing the reminders for {day:%-d %B %Y}", kept="Nothing was sent.", traceback=traceback):
            result = send_reminders_task.enqueue(day.isoformat())
        queued = f"The reminders are queued as task {result.id}: the task worker sends them, whatever happened here."
        with failure_told(f"Waiting for the reminder run for {day:%-d %B %Y}", kept=queued, traceback=traceback):
            deadline = time.monotonic() + wait
            while not result.is_finished and time.monotonic() < deadline:
                time.sleep(1)
                result.refresh()
        if not result.is_finished:
            self.stdout.write(f"Reminders for {day:%-d %B %Y} queued as task {result.id}; the task worker sends them.")
            return
        if result.status == TaskResultStatus.FAILED:
            raise CommandError(_run_failed(day, result.errors[-1].traceback, traceback=traceback))
        counts = dict(result.return_value or {})
        not_sent = counts.pop(NOT_SENT_COUNT, 0)
        self.stdout.write(f"Reminders for {day:%-d %B %Y}: {sum(counts.values())} sent.")
        for stage, label in STAGE_LABELS.items():
            self.stdout.write(f"  {label}: {counts.get(stage, 0)}")
        if not_sent:  # on stderr, which cron mails to whoever runs the server
            self.stderr.write(
                f"Warning for {day:%-d %B %Y}: {not_sent} reminder {'email' if not_sent == 1 else 'emails'} could not "
                "be sent (the mail server refused them or could not be reached; the server's log says which and why). "
                "Nothing was recorded for them: the next run sends them."
            )

    def _publish_scheduled(self, *, traceback: bool) -> None:
        """What editors scheduled to go live by now goes live first (`publish_scheduled`), so that a new version of a
        policy opens its round, and its reminders start, on the day it was scheduled for. Cron runs
        `publish_scheduled` every few minutes (docs/deploy.md); this is the daily run's catch for a trust whose cron
        lacks that line, which would otherwise leave a scheduled version unpublished for good. A page that cannot be
        published is told on stderr, which cron mails, and the reminders go on: they are due whatever the CMS does."""
        with failure_warned(
            "publishing the pages scheduled to go live",
            then="The reminders go on; run manage.py publish_scheduled to see why.",
            warn=self.stderr.write,
            traceback=traceback,
        ):
            call_command("publish_scheduled", stdout=io.StringIO())


def _run_failed(day: datetime.date, details: str, *, traceback: bool) -> str:
    """The task failed in the worker, so its exception is not here to go through: its last line names it (class and
    message), and with --traceback the whole of the worker's traceback follows."""
    lines = details.strip().splitlines()
    message = (
        f"The reminder run for {day:%-d %B %Y} failed with {lines[-1] if lines else 'an error'}\n"
        "Reminders sent before it failed stay sent, and each goes once, ever: run send_reminders again for the same "
        "day to send the rest."
    )
    if traceback:
        return f"{message}\n{details}"
    return f"{message} {DETAILS_HERE if at_a_terminal() else DETAILS_IN_LOG}"
