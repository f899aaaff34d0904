import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import EvidenceEntry, Requirement, VerificationCode
from portal.compliance.projection import refresh
from portal.compliance.services import evidence_record, evidence_void
from portal.people.roles import hr_group
from tests import factories


@pytest.fixture
def staff(person):
    return factories.make_staff(user=person, start_date=datetime.date(2025, 1, 6))


@pytest.fixture
def course(db):
    return factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)


def complete(staff, requirement, when, key="k"):
    entry, _ = evidence_record(
        staff=staff,
        requirement=requirement,
        source=EvidenceEntry.IMPORT,
        source_ref="national record",
        idempotency_key=key,
        completed_at=when,
    )
    return entry


def test_my_training_lists_my_requirements_with_status_and_next_step(person_client, staff, course, policy):
    attest = factories.make_requirement(name="Policy attestation", kind=Requirement.ATTEST_POLICY, page=policy)
    refresh(staff_ids=[staff.pk])
    complete(staff, course, timezone.now() - datetime.timedelta(days=10))
    html = person_client.get(reverse("reports:my_training")).content.decode()
    assert "Safeguarding Adults Level 1" in html and "Compliant" in html
    assert "Policy attestation" in html and "Overdue" in html  # started in January 2025, 28-day window long gone
    assert reverse("attestation:attest", args=[attest.pk]) in html
    assert "Imported completion" in html  # the history


def test_a_leap_day_completion_is_due_on_the_28th_of_february(person_client, staff):
    yearly = factories.make_requirement(name="Yearly", renewal_months=12)
    leap_day = timezone.make_aware(datetime.datetime(2028, 2, 29, 9, 0))
    entry, _ = evidence_record(
        staff=staff,
        requirement=yearly,
        source=EvidenceEntry.IMPORT,
        source_ref="r",
        idempotency_key="leap",
        completed_at=timezone.now() - datetime.timedelta(days=1),
    )
    from portal.compliance.projection import standing_for

    standing, _ = standing_for(staff, yearly, [EvidenceEntry(pk=0, seq=0, completed_at=leap_day, source="import")])
    assert standing.expires_on == datetime.date(2029, 2, 28)
    assert entry.pk


def test_a_completion_just_after_midnight_bst_counts_for_that_london_day(staff):
    yearly = factories.make_requirement(name="Yearly", renewal_months=12)
    # Clocks go back at 02:00 BST on 31 October 2027: 00:30 BST that day is 23:30 UTC on 30 October.
    moment = datetime.datetime(2027, 10, 30, 23, 30, tzinfo=datetime.UTC)
    from portal.compliance.projection import standing_for

    standing, _ = standing_for(staff, yearly, [EvidenceEntry(pk=0, seq=0, completed_at=moment, source="import")])
    assert standing.completed_on == datetime.date(2027, 10, 31)
    assert standing.expires_on == datetime.date(2028, 10, 31)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("reports:my_training"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_my_training_runs_a_constant_number_of_queries(person_client, staff, django_assert_num_queries):
    for n in range(6):
        requirement = factories.make_requirement()
        complete(staff, requirement, timezone.now() - datetime.timedelta(days=n + 1), key=f"k{n}")
    refresh(staff_ids=[staff.pk])
    # session, user, staff record, HR check, manages a team?, statuses, history, voids (prefetch), permissions x2
    with django_assert_num_queries(10):
        person_client.get(reverse("reports:my_training"))


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_person_downloads_a_certificate_whose_text_reads_back(person_client, staff, course, tmp_path):
    entry = complete(staff, course, timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0)))
    response = person_client.get(reverse("reports:certificate_pdf", args=[entry.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    code = VerificationCode.objects.get(entry=entry).code
    assert "Priya Shah" in text
    assert "Safeguarding Adults Level 1" in text
    assert "2 March 2026" in text and "2 March 2029" in text
    assert code in text


def test_hr_can_download_anyones_certificate_and_others_cannot(client, staff, course, someone_else):
    entry = complete(staff, course, timezone.now() - datetime.timedelta(days=3))
    url = reverse("reports:certificate_pdf", args=[entry.pk])
    client.force_login(someone_else)
    assert client.get(url).status_code == 404
    someone_else.groups.add(hr_group())
    client.force_login(someone_else)
    assert client.get(url).status_code == 200


def test_verify_is_public_and_shows_only_what_the_certificate_shows(client, staff, course, person):
    entry = complete(staff, course, timezone.now() - datetime.timedelta(days=3))
    client.force_login(person)
    client.get(reverse("reports:certificate_pdf", args=[entry.pk]))
    code = VerificationCode.objects.get(entry=entry).code
    client.logout()
    html = client.get(reverse("reports:verify", args=[code])).content.decode()
    assert "This certificate is genuine" in html and "Priya Shah" in html and "Safeguarding Adults Level 1" in html
    assert staff.employee_number not in html and person.email not in html
    evidence_void(entry=entry, reason="Wrong person", voided_by=person)
    assert "has been withdrawn" in client.get(reverse("reports:verify", args=[code])).content.decode()


def test_an_unknown_code_is_plainly_not_found(client, db):
    response = client.get(reverse("reports:verify", args=["ABCDEFGHJKMN"]))
    assert response.status_code == 404 and "No certificate matches this code" in response.content.decode()
