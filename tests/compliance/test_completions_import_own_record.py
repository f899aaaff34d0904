"""An HR officer cannot record their own completion by importing it, as they cannot verify their own certificate, void
their own evidence or pause their own requirements: the dry run rejects the row by line (so the file, strict or not,
cannot be applied by them), applying is refused, the task worker refuses it again when the file became their own record
after the dry run, and another member of HR applies the same file."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portal.compliance.imports.own_records import OwnRecordRefused, own_record_refusal
from portal.compliance.imports.tasks import import_apply_task
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.people.models import Assignment
from portal.people.roles import hr_group
from tests import factories

COURSE = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
OWN = "this is your own record. Ask another member of HR to import it."
APPLIERS = "this is the record of the HR officer who asked to apply this file. Ask another member of HR to import it."


def _hr_officer():
    staff = factories.make_staff(first_name="Hana", last_name="Officer")
    staff.user.groups.add(hr_group())
    factories.with_mfa(staff.user)
    return staff, factories.sign_in(Client(), staff.user)


@pytest.fixture
def trust(db):
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=requirement)
    hana, hana_client = _hr_officer()
    _, other_client = _hr_officer()
    colleague = factories.make_staff(first_name="Cal", last_name="Colleague")
    return {"hana": hana, "hana_client": hana_client, "other_client": other_client, "colleague": colleague}


def _file(*numbers) -> bytes:
    lines = ["Person,Competence Name,Achievement Date,Expiry Date"]
    lines += [f'"{number}|Surname, Forename","{COURSE}",01/06/2025,' for number in numbers]
    return ("\r\n".join(lines) + "\r\n").encode()


def _upload(client, data, **options) -> ImportBatch:
    upload = SimpleUploadedFile("esr.csv", data)
    response = client.post(reverse("imports:upload", args=["completions"]), {"file": upload, **options})
    assert response.status_code == 302, response.content
    return ImportBatch.objects.latest("pk")


@pytest.mark.parametrize("strict", [False, True])
def test_the_dry_run_names_the_line_of_your_own_record_and_offers_no_apply(trust, strict):
    hana, data = trust["hana"], _file(trust["colleague"].employee_number, trust["hana"].employee_number)
    batch = _upload(trust["hana_client"], data, strict=strict)
    page = trust["hana_client"].get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert f"Line 3: {OWN}" in page
    assert "cannot be recorded yet" in page and "Record 1 completions" not in page
    listing = trust["hana_client"].get(reverse("imports:planned_csv", args=[batch.pk])).content.decode()
    assert trust["colleague"].employee_number in listing and hana.employee_number not in listing
    seen_by_another = trust["other_client"].get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert OWN not in seen_by_another and "Record 2 completions" in seen_by_another


def test_applying_your_own_record_is_refused_and_records_nothing(trust):
    hana = trust["hana"]
    batch = _upload(trust["hana_client"], _file(trust["colleague"].employee_number, hana.employee_number))
    response = trust["hana_client"].post(reverse("imports:apply", args=[batch.pk]), follow=True)
    assert f"Not applied. Line 3: {OWN}" in response.content.decode()
    assert not EvidenceEntry.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.PLANNED and batch.applied_by is None


def test_your_own_second_assignment_is_your_own_record_too(trust):
    second = Assignment.objects.create(staff=trust["hana"], number=f"{trust['hana'].employee_number}-2").number
    batch = _upload(trust["hana_client"], _file(second))
    response = trust["hana_client"].post(reverse("imports:apply", args=[batch.pk]), follow=True)
    assert f"Not applied. Line 2: {OWN}" in response.content.decode()
    assert not EvidenceEntry.objects.exists()


def test_another_member_of_hr_applies_the_same_file(trust):
    hana = trust["hana"]
    batch = _upload(trust["hana_client"], _file(trust["colleague"].employee_number, hana.employee_number))
    trust["hana_client"].post(reverse("imports:apply", args=[batch.pk]))
    trust["other_client"].post(reverse("imports:apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE
    assert set(EvidenceEntry.objects.values_list("staff_id", flat=True)) == {hana.pk, trust["colleague"].pk}


@pytest.fixture
def worker_waits(settings):
    """Asking to apply queues the task and runs nothing, so the roster can change before the worker runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _queued(client, batch: ImportBatch):
    """Ask to apply `batch` on its page, as HR does: its dry run is clean, so it waits for the task worker. Returns
    the task's result, holding what the worker will run."""
    from django_tasks import default_task_backend

    client.post(reverse("imports:apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.QUEUED and not EvidenceEntry.objects.exists()
    return [r for r in default_task_backend.results if r.task.name == import_apply_task.name][-1]


def _worker_refuses(batch: ImportBatch, queued, message: str) -> None:
    with pytest.raises(OwnRecordRefused, match=re.escape(message)):
        import_apply_task.call(*queued.args)  # the task's body, as the worker runs it
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and batch.error == message
    assert not EvidenceEntry.objects.exists()  # the colleague's row neither: the whole file is refused


def test_the_worker_refuses_a_record_linked_to_the_importer_after_a_clean_dry_run(trust, worker_waits):
    """Ida's account had no staff record when she looked at the file; the one the roster made for her is joined to it
    before the worker applies it."""
    ida = factories.make_user(first_name="Ida", last_name="Importer")
    ida.groups.add(hr_group())
    factories.with_mfa(ida)
    ida_client = factories.sign_in(Client(), ida)
    her_record = factories.make_staff(first_name="Ida", last_name="Importer")
    batch = _upload(ida_client, _file(trust["colleague"].employee_number, her_record.employee_number))
    dry_run = ida_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert OWN not in dry_run and "Record 2 completions" in dry_run
    queued = _queued(ida_client, batch)
    her_record.user = ida
    her_record.save(update_fields=["user"])

    _worker_refuses(batch, queued, f"Not applied. Line 3: {APPLIERS}")
    page = ida_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert f"Not applied. Line 3: {APPLIERS}" in page and f"Line 3: {OWN}" in page  # the failure, and her dry run

    import_apply_task.call(*_queued(trust["other_client"], batch).args)  # another member of HR applies it
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE
    assert set(EvidenceEntry.objects.values_list("staff_id", flat=True)) == {her_record.pk, trust["colleague"].pk}


def test_the_worker_refuses_a_number_given_to_the_importer_after_a_clean_dry_run(trust, worker_waits):
    """A number on no one's record is skipped when the file is planned; a roster gives it to Hana (a second
    assignment) before the worker applies the file."""
    hana = trust["hana"]
    batch = _upload(trust["hana_client"], _file(trust["colleague"].employee_number, "E7777777"))
    assert batch.summary["skipped_not_on_roster"] == 1 and batch.summary["rejected"] == 0
    queued = _queued(trust["hana_client"], batch)
    Assignment.objects.create(staff=hana, number="E7777777")

    _worker_refuses(batch, queued, f"Not applied. Line 3: {APPLIERS}")


@pytest.mark.parametrize(
    "lines, named",
    [
        ([4], "Line 4"),
        ([4, 9], "Lines 4 and 9"),
        ([4, 9, 12], "Lines 4, 9 and 12"),
        (list(range(2, 14)), "Lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2 more"),
    ],
)
def test_a_refusal_names_the_lines_of_the_own_record(lines, named):
    assert own_record_refusal(lines, OWN) == f"Not applied. {named}: {OWN}"
