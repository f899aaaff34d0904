"""Imports apply in the task worker, in chunks: progress on the page, one apply however often it is asked for, a
failure part way named with how far it got and finished by applying again, the chain whole and the projection equal
to a rebuild afterwards, and the ledger's lock free between chunks."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import ledger, projection
from portal.compliance.imports import completions as completions_import
from portal.compliance.imports.services import import_batch_apply, import_batch_create, import_batch_run
from portal.compliance.imports.tasks import import_apply_task
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch, RequirementStatus
from portal.compliance.services import evidence_record
from tests import factories
from tests.compliance.test_completions import ADULTS, esr

CHILDREN = "NHS|CSTF|Safeguarding Children - Level 1 - 3 Years|"


def _trust():
    people = [factories.make_staff(employee_number=f"3000{n}", first_name=f"P{n}") for n in range(3)]
    adults = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    children = factories.make_requirement(name="Safeguarding Children Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=adults)
    CompetenceMapping.objects.create(competence_name=CHILDREN, requirement=children)
    projection.refresh()
    return people, adults


def _file(people) -> bytes:
    """Six completions: each person, each course."""
    return esr(
        *(
            f'"{staff.employee_number}|{staff.last_name}, {staff.first_name}","{course}",0{day}/06/2025,'
            for staff in people
            for day, course in ((1, ADULTS), (2, CHILDREN))
        )
    )


def _projection():
    return {
        (row.staff_id, row.requirement_id): (row.completed_on, row.expires_on, row.due_on, row.evidence_id)
        for row in RequirementStatus.objects.all()
    }


def _assert_projection_equals_a_rebuild():
    live = _projection()
    RequirementStatus.objects.all().delete()
    projection.refresh()
    assert _projection() == live


def second_chunk_fails(monkeypatch):
    """The status refresh of an import's second chunk raises, as if the database went away: its transaction is undone,
    the first chunk's kept. Returns the real refresh, to put back."""
    real_refresh, calls = projection.refresh, []

    def refresh_failing_the_second_chunk(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real_refresh(**kwargs)

    monkeypatch.setattr(completions_import.projection, "refresh", refresh_failing_the_second_chunk)
    return real_refresh


@pytest.fixture
def chunks_of_two(monkeypatch):
    monkeypatch.setattr(completions_import, "CHUNK_ROWS", 2)


def test_apply_is_a_task_and_the_page_shows_progress_then_the_result(hr_client, chunks_of_two, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    people, _ = _trust()
    upload = SimpleUploadedFile("c.csv", _file(people))
    batch_url = hr_client.post(reverse("imports:upload", args=["completions"]), {"file": upload})["Location"]
    batch = ImportBatch.objects.get()
    assert "Record 6 completions" in hr_client.get(batch_url).content.decode()

    hr_client.post(reverse("imports:apply", args=[batch.pk]))
    again = hr_client.post(reverse("imports:apply", args=[batch.pk]), follow=True)  # a second tab, a double click
    assert "This completions file is already being applied." in again.content.decode()
    ours = [r for r in default_task_backend.results if r.task.name == import_apply_task.name]
    assert len(ours) == 1 and not EvidenceEntry.objects.exists()
    page = hr_client.get(batch_url).content.decode()
    assert "Waiting to apply" in page and "check progress again" in page and "Record 6" not in page

    result = ours[0]
    seen = []
    # The task's body, as the worker runs it, looking at the page between chunks.
    import_batch_run(*result.args, between_chunks=lambda: seen.append(hr_client.get(batch_url).content.decode()))
    assert [("Applying" in p, f"{n} of 6 rows" in p) for n, p in zip((2, 4, 6), seen, strict=True)] == [
        (True, True)
    ] * 3
    page = hr_client.get(batch_url).content.decode()
    assert "Recorded" in page and "6 completions recorded; 0 were already recorded" in page
    assert EvidenceEntry.objects.count() == 6 and ledger.verify_chain().intact
    _assert_projection_equals_a_rebuild()
    assert import_batch_run(batch.pk) == ImportBatch.DONE and EvidenceEntry.objects.count() == 6  # a second run


def test_a_chunk_that_fails_leaves_a_batch_that_says_how_far_it_got_and_applying_again_finishes_it(
    hr_client, chunks_of_two, monkeypatch
):
    people, _ = _trust()
    batch, _ = import_batch_create(kind="completions", data=_file(people), filename="c.csv", user=None)
    real_refresh = second_chunk_fails(monkeypatch)
    import_batch_apply(batch=batch, user=None)  # the task runs at once in tests; its failure is kept on the batch
    assert (batch.status, batch.error, batch.rows_done, batch.rows_total) == (
        ImportBatch.FAILED,
        "the database went away",
        2,
        6,
    )
    assert EvidenceEntry.objects.count() == 2 and ledger.verify_chain().intact  # the first chunk, whole
    _assert_projection_equals_a_rebuild()
    page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "Applying this file failed" in page and "the database went away" in page
    assert "2 of 6 rows were applied before it stopped" in page and "Record 4 completions" in page

    monkeypatch.setattr(completions_import.projection, "refresh", real_refresh)
    import_batch_apply(batch=batch, user=None)
    assert (batch.status, batch.rows_done, batch.rows_total) == (ImportBatch.DONE, 6, 6)
    assert EvidenceEntry.objects.count() == 6 and ledger.verify_chain().intact
    assert sorted(EvidenceEntry.objects.values_list("source_ref", flat=True)) == [
        f"import batch {batch.pk} line {n}" for n in range(2, 8)
    ]
    _assert_projection_equals_a_rebuild()
    audit = list(AuditEvent.objects.filter(action=AuditEvent.IMPORT).order_by("pk").values_list("detail", flat=True))
    assert [("failed" in d, d.get("rows_done"), d.get("recorded")) for d in audit] == [
        (True, 2, None),
        (False, None, 6),
    ]


def test_a_roster_applies_through_the_task_and_once(hr_client, settings):
    team = factories.make_team("Communications")
    header = "Employee Number,First Name,Last Name,Work Email,Org Code,Start Date"
    data = f"{header}\r\n5001,Ann,Able,ann@example.nhs.uk,{team.code},01/04/2020\r\n".encode()
    batch_url = hr_client.post(reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("r.csv", data)})[
        "Location"
    ]
    batch = ImportBatch.objects.get()
    hr_client.post(reverse("imports:apply", args=[batch.pk]))
    refused = hr_client.post(reverse("imports:apply", args=[batch.pk]), follow=True).content.decode()
    assert "This roster has already been applied." in refused
    batch.refresh_from_db()
    assert (batch.status, batch.rows_done, batch.summary["created"]) == (ImportBatch.DONE, 1, 1)
    assert "Roster applied: 1 people added" in hr_client.get(batch_url).content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.IMPORT)
    assert event.detail["ip"] == "127.0.0.1" and event.scope == "Roster r.csv"


@pytest.mark.django_db(transaction=True)
def test_the_ledger_lock_is_free_between_chunks(chunks_of_two):
    """Between two chunks, a quiz submission in another connection records at once, and takes its place in the chain
    between the import's entries: the import does not hold the lock from its first chunk to its last."""
    people, adults = _trust()
    batch, _ = import_batch_create(kind="completions", data=_file(people), filename="c.csv", user=None)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.QUEUED)
    outcomes = []

    def submit_in_another_connection():
        try:
            if connection.vendor == "postgresql":
                with connections["default"].cursor() as cursor:
                    cursor.execute("SET lock_timeout = '5s'")
            staff = people[0]
            entry, _ = evidence_record(
                staff=staff,
                requirement=adults,
                source=EvidenceEntry.MODULE,
                source_ref="quiz attempt 1",
                idempotency_key=f"bench:{len(outcomes)}",
                completed_at=timezone.now() - datetime.timedelta(minutes=1),
            )
            outcomes.append(entry.seq)
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    def between_chunks():
        assert not connection.in_atomic_block  # the chunk's transaction, and its lock, have ended
        if len(outcomes) < 1:
            thread = threading.Thread(target=submit_in_another_connection)
            thread.start()
            thread.join(timeout=20)
            assert not thread.is_alive(), "the submission waited for the import"

    assert import_batch_run(batch.pk, between_chunks=between_chunks) == ImportBatch.DONE
    assert len(outcomes) == 1 and isinstance(outcomes[0], int), outcomes
    imported = EvidenceEntry.objects.filter(source=EvidenceEntry.IMPORT).values_list("seq", flat=True)
    assert sorted(imported) == [1, 2, 4, 5, 6, 7] and outcomes[0] == 3  # the submission sits after the first chunk
    assert ledger.verify_chain().intact
    _assert_projection_equals_a_rebuild()
