"""Background tasks (django-tasks). The database backend runs them in `manage.py db_worker`; tests run them at once."""

import datetime

from django_tasks import task

from . import organisation, services
from .pauses import pauses_roll_over
from .reminders import reminders_send


@task()
def send_reminders_task(day: str) -> dict[str, int]:
    """The daily reminder run for `day`, an ISO date (the Europe/London calendar day). Returns how many messages
    were sent, by stage. Safe to run more than once, or in two workers at once: each message goes once, ever."""
    on = datetime.date.fromisoformat(day)
    pauses_roll_over(on)  # first, so that nobody whose next pause has begun is reminded
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
