import datetime

from django_tasks import task

from .reminders import reminders_send


@task()
def send_reminders_task(day: str) -> dict:
    """The daily reminder run, as a background task. `day` is an ISO date (Europe/London)."""
    return dict(reminders_send(datetime.date.fromisoformat(day)))
