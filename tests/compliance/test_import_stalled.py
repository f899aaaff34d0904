"""An import whose task worker stopped part way (restarted, killed, or never running) is not stuck: once it has shown
no sign of life for PORTAL_STALLED_MINUTES its page says it has stopped and how far it got, and applying it
again takes it over, once however often it is asked, audited, and finishes it without recording anything twice. A
worker that is still working keeps its batch: every chunk is a sign of life."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import ledger
from portal.compliance.imports.services import ImportRefused, import_batch_apply, import_batch_create, import_batch_run
from portal.compliance.imports.tasks import import_apply_task
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_imports import _assert_projection_equals_a_rebuild, _file, _trust


class WorkerKilled(BaseException):
    """What a worker's death looks like from inside the apply: not an Exception, so nothing records a failure."""


@pytest.fixture
def hr(db):
    user = factories.make_user(first_name="Hana", last_name="HR")
    user.groups.add(hr_group())
    return user


@pytest.fixture
def hr_client(client, hr):
    factories.sign_in(client, factories.with_mfa(hr))
    return client


def _applied_in_tasks(backend) -> int:
    return sum(result.task.name == import_apply_task.name for result in backend.results)


def _killed_after_two_rows(monkeypatch, people, hr):
    """A completions file whose worker died after its first chunk of two rows had committed."""
    from portal.compliance.imports import completions as completions_import

    monkeypatch.setattr(completions_import, "CHUNK_ROWS", 2)
    batch, _ = import_batch_create(kind="completions", data=_file(people), filename="c.csv", user=hr)
    import_batch_apply(batch=batch, user=hr)

    def die():
        raise WorkerKilled

    with pytest.raises(WorkerKilled):
        import_batch_run(batch.pk, between_chunks=die)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_done, EvidenceEntry.objects.count()) == (ImportBatch.RUNNING, 2, 2)
    return batch


def _minutes_pass(batch, minutes: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(progress_at=timezone.now() - datetime.timedelta(minutes=minutes))
    batch.refresh_from_db()


def test_a_batch_whose_worker_died_is_taken_over_once_and_finished(hr, hr_client, tasks_held, monkeypatch):
    people, _ = _trust()
    batch = _killed_after_two_rows(monkeypatch, people, hr)
    url = reverse("imports:batch", args=[batch.pk])

    _minutes_pass(batch, 29)  # not yet: a worker may still be on it
    assert not batch.stalled
    page = hr_client.get(url).content.decode()
    assert "2 of 6 rows" in page and "has stopped" not in page and "Record" not in page
    with pytest.raises(ImportRefused, match="already being applied"):
        import_batch_apply(batch=batch, user=hr)

    _minutes_pass(batch, 31)
    page = hr_client.get(url).content.decode()
    assert "Applying this file has stopped" in page and "It got to 2 of 6 rows" in page
    assert "Record 4 completions" in page  # the dry run again: what is left to record
    assert "stopped part way, apply it again to finish it" in hr_client.get(reverse("imports:index")).content.decode()

    asked = _applied_in_tasks(tasks_held)
    hr_client.post(reverse("imports:apply", args=[batch.pk]))
    again = hr_client.post(reverse("imports:apply", args=[batch.pk]), follow=True)  # a second tab
    assert "This completions file is already being applied." in again.content.decode()
    assert _applied_in_tasks(tasks_held) == asked + 1
    event = AuditEvent.objects.get(action=AuditEvent.IMPORT, detail__restarted__isnull=False)
    assert event.actor == hr and event.detail["restarted"] == "it had stopped while applying"
    assert event.detail["batch"] == batch.pk

    assert import_batch_run(batch.pk) == ImportBatch.DONE
    assert EvidenceEntry.objects.count() == 6 and ledger.verify_chain().intact  # nothing recorded twice
    _assert_projection_equals_a_rebuild()
    assert "has stopped" not in hr_client.get(url).content.decode()


def test_a_batch_that_never_started_says_the_worker_may_not_be_running(hr, hr_client, tasks_held):
    people, _ = _trust()
    batch, _ = import_batch_create(kind="completions", data=_file(people), filename="c.csv", user=hr)
    hr_client.post(reverse("imports:apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.QUEUED and _applied_in_tasks(tasks_held) == 1

    _minutes_pass(batch, 45)
    page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "It was waiting to start" in page and "or is not running" in page and "check that its task worker" in page
    hr_client.post(reverse("imports:apply", args=[batch.pk]))
    assert _applied_in_tasks(tasks_held) == 2  # asked of the worker again: a task lost with it is replaced
    batch.refresh_from_db()
    assert batch.status == ImportBatch.QUEUED and not batch.stalled


def test_a_working_worker_keeps_its_batch_each_chunk_a_sign_of_life(hr, tasks_held, monkeypatch):
    from portal.compliance.imports import completions as completions_import

    monkeypatch.setattr(completions_import, "CHUNK_ROWS", 2)
    people, _ = _trust()
    batch, _ = import_batch_create(kind="completions", data=_file(people), filename="c.csv", user=hr)
    import_batch_apply(batch=batch, user=hr)
    signs = []

    def after_each_chunk():
        signs.append(ImportBatch.objects.get(pk=batch.pk).stalled)
        _minutes_pass(batch, 60)  # an hour of silence since this chunk: the next chunk's commit is a sign of life

    assert import_batch_run(batch.pk, between_chunks=after_each_chunk) == ImportBatch.DONE
    assert signs == [False, False, False]  # each chunk's commit made it live again
