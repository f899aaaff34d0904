"""An HR officer cannot record their own completion by importing it, as they cannot verify their own certificate, void
their own evidence or pause their own requirements: the dry run rejects the row by line (so the file, strict or not,
cannot be applied by them), applying is refused, and another member of HR applies the same file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.people.models import Assignment
from portal.people.roles import hr_group
from tests import factories

COURSE = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
OWN = "this is your own record. Ask another member of HR to import it."


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
