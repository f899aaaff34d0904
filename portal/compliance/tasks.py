"""Background tasks (django-tasks). The database backend runs them in `manage.py db_worker`; tests run them at once."""

import datetime
import logging

from django_tasks import task

from portal.people.leavers import leaver_accounts_close

from . import organisation, services
from .pauses import pauses_roll_over
from .reminder_recipients import no_hr_warning
from .reminder_sending import reminders_send

logger = logging.getLogger(__name__)


@task()
def send_reminders_task(day: str) -> dict[str, int]:
    """The daily run for `day`, an ISO date (the Europe/London calendar day): pauses that have begun or ended, the
    accounts of people whose leave date has passed closed, then the reminders. Returns how many messages were sent,
    by stage. Safe to run more than once, or in two workers at once: each message goes once, ever, and each account
    closes once."""
    on = datetime.date.fromisoformat(day)
    pauses_roll_over(on)  # first, so that nobody whose next pause has begun is reminded
    # Before the reminders, so that an HR officer who has left is not among those the escalations go to.
    closed = leaver_accounts_close(on, actor="the daily run")
    if closed:
        logger.info("Closed the accounts of %d people whose leave date has passed, for %s", closed, on)
    if no_hr := no_hr_warning(on):
        logger.warning("%s: %s", on, no_hr)
    return dict(reminders_send(on))


@task()
def requirement_status_refresh_task(requirement_id: int) -> int:
    """Everyone's status on a requirement added or changed, or given a re-attestation round, in a way that touched
    many people (see `services.requirement_save` and `services.reattestation_round_open`). Returns the rows written;
    safe to run again."""
    return services.requirement_status_refresh(requirement_id=requirement_id)


@task()
def team_status_refresh_task(team_id: int) -> int:
    """The status of everyone in a team (and below) that moved with many people in it (see
    `organisation.team_move`). Returns the rows written; safe to run again."""
    return organisation.team_status_refresh(team_id=team_id)
