import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance import ledger
from portal.compliance.completions import plan_completions
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch, RequirementStatus
from portal.people.roles import hr_group
from tests import factories
from tests.command_line import command_line_by

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
CHILDREN = "NHS|CSTF|Safeguarding Children - Level 1 - 3 Years|"


@pytest.fixture
def people(db):
    grace = factories.make_staff(employee_number="20001", first_name="Grace", last_name="Jones")
    sam = factories.make_staff(employee_number="20002", first_name="Sam", last_name="Taylor")
    from portal.people.models import Assignment

    Assignment.objects.create(staff=sam, number="20002-2")
    return grace, sam


@pytest.fixture
def adults(db):
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    return requirement


def esr(*rows, header="Person,Competence Name,Achievement Date,Expiry Date"):
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def test_the_esr_shape_with_a_person_cell(people, adults):
    plan = plan_completions(
        esr(
            f'"20001|Jones, Grace","{ADULTS}",30-Nov-2025,30-Nov-2028',
            f'"20002-2|Taylor, Sam","{ADULTS}",2025-10-01,No Expiry',
        )
    )
    assert plan.can_apply and len(plan.to_record) == 2
    assert [r.expires_on for r in plan.to_record] == [datetime.date(2028, 11, 30), None]


def test_separate_columns_bom_semicolons_and_cp1252(people, adults):
    header = "Employee Number;Surname;Forename;Competence Name;Completion Date;Expiry Date"
    text = f"{header}\r\n20001;Jönes;Grace;{ADULTS};30/11/2025;\r\n"
    for data in (text.encode("utf-8-sig"), text.encode("cp1252")):
        plan = plan_completions(data)
        assert plan.can_apply and plan.to_record[0].completed_on == datetime.date(2025, 11, 30)


BAD = [
    (f'"20001|Jones, Grace","{ADULTS}",31/02/2025,', "Completion Date '31/02/2025' is not a date"),
    (f'"20001|Jones, Grace","{ADULTS}",01/01/2099,', "is in the future"),
    (
        f'"20001|Jones, Grace","{ADULTS}",01/01/2025,01/01/2024',
        "Expiry Date 01/01/2024 is before the Completion Date 01/01/2025",
    ),
    (f'"20001|Jones, Grace","{ADULTS}",01/01/2025,soon', "Expiry Date 'soon' is not a date"),
    (f'"|Jones, Grace","{ADULTS}",01/01/2025,', "No assignment or employee number"),
]


@pytest.mark.parametrize(("line", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_rows_are_named_and_nothing_is_recorded(people, adults, line, message):
    data = esr(f'"20002|Taylor, Sam","{ADULTS}",01/01/2025,', line)
    batch, plan = import_batch_create(kind="completions", data=data, filename="bad.csv", user=None)
    assert [(n, message in reason) for n, reason in plan.rejected] == [(3, True)], plan.rejected
    import_batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.FAILED and "rejected rows" in batch.error
    assert not EvidenceEntry.objects.exists()


def test_a_file_without_the_columns_says_which(db):
    plan = plan_completions(b"Name,Colour\r\nAnn,Blue\r\n")
    assert not plan.can_apply and "no column for: Achievement Date, Competence Name" in plan.problems[0]


def test_unmapped_courses_are_skipped_until_hr_maps_them_once(people, adults):
    data = esr(f'"20001|Jones, Grace","{CHILDREN}",01/01/2025,', f'"20001|Jones, Grace","{ADULTS}",01/01/2025,')
    plan = plan_completions(data)
    assert plan.skipped == {CHILDREN: 1} and len(plan.to_record) == 1 and plan.can_apply
    children = factories.make_requirement(name="Safeguarding Children Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=CHILDREN, requirement=children)
    assert len(plan_completions(data).to_record) == 2  # remembered for every later import


def test_applying_records_through_the_chain_and_updates_status(people, adults):
    grace, _ = people
    batch, _ = import_batch_create(
        kind="completions",
        data=esr(f'"20001|Jones, Grace","{ADULTS}",30-Nov-2025,30-Nov-2028'),
        filename="c.csv",
        user=None,
    )
    import_batch_apply(batch=batch, user=None)
    entry = EvidenceEntry.objects.get()
    assert entry.source_ref == f"import batch {batch.pk} line 2" and entry.expires_on == datetime.date(2028, 11, 30)
    row = RequirementStatus.objects.get(staff=grace, requirement=adults)
    assert row.completed_on == datetime.date(2025, 11, 30) and row.expires_on == datetime.date(2028, 11, 30)
    assert ledger.verify_chain().intact


def test_importing_the_same_completions_again_records_nothing(people, adults):
    data = esr(f'"20001|Jones, Grace","{ADULTS}",30-Nov-2025,')
    first, _ = import_batch_create(kind="completions", data=data, filename="a.csv", user=None)
    import_batch_apply(batch=first, user=None)
    again = esr(f'"20001|Jones, Grace","{ADULTS}",30/11/2025,', header="Person,Competence,Completed,Expiry")
    second, plan = import_batch_create(kind="completions", data=again, filename="b.csv", user=None)
    assert plan.summary["to_record"] == 0 and plan.summary["already_recorded"] == 1
    import_batch_apply(batch=second, user=None)
    assert EvidenceEntry.objects.count() == 1


def test_hr_pages_personas_and_mapping(client, person, people, adults, user_factory):
    CompetenceMapping.objects.all().delete()
    hr = user_factory()
    hr.groups.add(hr_group())
    factories.with_mfa(hr)
    factories.sign_in(client, person)
    assert client.get(reverse("imports:upload", args=["completions"])).status_code == 403
    factories.sign_in(client, hr)
    upload = SimpleUploadedFile("c.csv", esr(f'"20001|Jones, Grace","{ADULTS}",30-Nov-2025,'))
    response = client.post(reverse("imports:upload", args=["completions"]), {"file": upload})
    batch_url = response["Location"]
    page = client.get(batch_url).content.decode()
    assert "Courses not yet mapped" in page and "Safeguarding Adults - Level 1" in page
    batch_id = int(batch_url.rstrip("/").rsplit("/", 1)[-1])
    client.post(reverse("imports:map", args=[batch_id]), {"competence": ADULTS, "requirement": adults.pk})
    assert "Record 1 completions" in client.get(batch_url).content.decode()
    client.post(reverse("imports:apply", args=[batch_id]))
    assert EvidenceEntry.objects.count() == 1
    client.logout()
    assert client.get(batch_url).status_code == 302


def test_completions_applied_from_the_command_line_are_audited(people, adults, tmp_path, settings):
    """The audit entry is written by the service, so the command (the other door) records one like the page does."""
    from django.core.management import call_command

    from portal.audit.models import AuditEvent

    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    path = tmp_path / "completions.csv"
    path.write_bytes(esr(f'"20001|Jones, Grace","{ADULTS}",30-Nov-2025,30-Nov-2028'))
    call_command("import_completions", str(path), "--apply", stdout=io.StringIO())
    event = AuditEvent.objects.get(action=AuditEvent.IMPORT)
    assert (event.actor, event.actor_name) == (None, command_line_by("import_completions"))
    assert (event.scope, event.detail["recorded"]) == ("Completions completions.csv", 1)
