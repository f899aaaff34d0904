from django_tasks import task

from . import roster
from .services import import_batch_run


@task()
def import_apply_task(batch_id: int) -> str:
    """Apply an uploaded file in the background (see `services.import_batch_run`). A failure is written on the batch,
    for the person waiting to see."""
    return import_batch_run(batch_id)


@task()
def roster_emails_send_task(batch_id: int) -> None:
    """Send the emails an applied roster still owes, when HR asks again (see `roster.emails_send_again`)."""
    roster.emails_send(batch_id)
