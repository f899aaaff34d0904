from django_tasks import task

from .services import import_batch_run


@task()
def import_apply_task(batch_id: int) -> str:
    """Apply an uploaded file in the background (see `services.import_batch_run`). A failure is written on the batch,
    for the person waiting to see."""
    return import_batch_run(batch_id)
