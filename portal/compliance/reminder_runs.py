"""Whether HR must be told that reminders are not going out, read from the daily runs' outcomes (`ReminderRun`).

The run leaves the emails it could not send for the next run and says so in the worker's log and on the command's
stderr, which cron mails through the same mail server that is down. So HR's pages say it too, in one query: the
latest run that finished could not reach the mail server (or the server refused every email), or no run has finished
for more than RUN_DUE_WITHIN (cron or the task worker not running). A portal with no run yet is told only once it
has people and a requirement in force for longer than that: before then, the first run is not yet due.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, Subquery
from django.utils import timezone

from portal.people.models import StaffMember

from .models import ReminderRun, Requirement
from .reminder_sending import MAIL_DOWN_AFTER

RUN_DUE_WITHIN = datetime.timedelta(days=2)  # cron runs it daily: one day missed is not yet a warning
_RUN_FIELDS = ("day", "finished_at", "sent", "not_sent", "mail_down", "error")


@dataclass(frozen=True)
class RunWarning:
    paragraphs: list[str]


def reminder_run_warning(now: datetime.datetime | None = None) -> RunWarning | None:
    """What HR must be told about the daily reminder runs at `now` (default now), or None when they are going out.
    One query, whatever the number of runs or people."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    latest = ReminderRun.objects.filter(finished_at__isnull=False).order_by("-finished_at")[:1]
    in_force = Requirement.objects.filter(active=True, introduced_on__lt=today - RUN_DUE_WITHIN)
    row = (
        StaffMember.objects.current(today)
        .annotate(in_force=Exists(in_force), **{f"run_{name}": Subquery(latest.values(name)) for name in _RUN_FIELDS})
        .values("in_force", *(f"run_{name}" for name in _RUN_FIELDS))[:1]
    )
    row = next(iter(row), None)
    if row is None:  # nobody to remind
        return None
    run = {name: row[f"run_{name}"] for name in _RUN_FIELDS}
    said, checks = [], []  # what went wrong; what IT should check
    if run["finished_at"] is None and row["in_force"]:
        said.append("No reminder run has ever finished.")
    elif run["finished_at"] is not None and run["finished_at"] < now - RUN_DUE_WITHIN:
        said.append(f"No reminder run has finished since {timezone.localtime(run['finished_at']):%-d %B %Y}.")
    if said:
        checks.append("that the portal's daily send_reminders job (cron) and its task worker are running")
    faulty = run["finished_at"] is not None and _could_not_send(run)
    if faulty:
        said.append(_not_sent(run))
        checks.append("the portal's mail settings (the mail server, and the portal's account on it)")
    if not said:
        return None
    return RunWarning(
        [
            *said,
            "Staff are not being reminded of training that is due or overdue, and managers and HR are not being told "
            f"who is overdue. Ask your IT team to check {' and '.join(checks)}.",
            *(
                ["Each run tries the emails again. This message goes once a run sends them without a fault."]
                if faulty
                else []
            ),
        ]
    )


def _could_not_send(run: dict) -> bool:
    """The run could not reach the mail server, or the server refused every email of a run that had a few to send:
    one person's full mailbox is not the server's fault (it is escalated to their manager: `reminders`)."""
    return run["mail_down"] > 0 or (run["sent"] == 0 and run["not_sent"] >= MAIL_DOWN_AFTER)


def _not_sent(run: dict) -> str:
    count, day = run["not_sent"], f"{run['day']:%-d %B %Y}"
    emails = f"{count} {'email was' if count == 1 else 'emails were'} not sent"
    answer = f" ({run['error']})" if run["error"] else ""
    if run["mail_down"]:
        return f"The daily reminder run for {day} could not reach the mail server{answer}: {emails}."
    return f"The mail server refused every email of the daily reminder run for {day}{answer}: {emails}."
