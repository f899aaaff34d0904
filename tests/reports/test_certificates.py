"""Certificates as PDFs, for the person and HR only; and the public page that checks a certificate's code."""

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import PolicySnapshot, Requirement, VerificationCode
from portal.compliance.services import attestation_record, evidence_void
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from portal.reports.certificates import ALPHABET, CODE_LENGTH
from tests import factories


@pytest.fixture
def staff(person):
    return factories.make_staff(user=person)


@pytest.fixture
def course(db):
    return factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)


@pytest.fixture
def entry(staff, course):
    return factories.make_completion(staff, course, timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0)))


def pdf_text(content: bytes, tmp_path) -> str:
    assert content.startswith(b"%PDF-")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def download(client, user, entry):
    factories.sign_in(client, user)
    return client.get(reverse("reports:certificate_pdf", args=[entry.pk]))


def test_the_person_downloads_a_certificate_whose_text_reads_back(client, person, entry, tmp_path):
    response = download(client, person, entry)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    code = VerificationCode.objects.get(entry=entry).code
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{code}.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content, tmp_path)
    assert "Priya Shah" in text
    assert "Safeguarding Adults Level 1" in text
    assert "2 March 2026" in text and "2 March 2029" in text
    assert code in text and f"/verify/{code}/" in text


def test_the_printed_check_address_is_the_portals_own_whatever_host_was_asked(
    client, person, entry, tmp_path, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"  # PORTAL_BASE_URL
    settings.ALLOWED_HOSTS = ["portal-web-3.internal"]
    factories.sign_in(client, person)
    response = client.get(reverse("reports:certificate_pdf", args=[entry.pk]), HTTP_HOST="portal-web-3.internal")
    code = VerificationCode.objects.get(entry=entry).code
    text = pdf_text(response.content, tmp_path)
    assert f"https://training.example.nhs.uk/verify/{code}/" in text and "portal-web-3" not in text


def test_the_code_is_made_once_from_an_unambiguous_alphabet(client, person, entry):
    download(client, person, entry)
    code = VerificationCode.objects.get(entry=entry).code
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    assert not set("0O1IL") & set(ALPHABET)
    download(client, person, entry)
    assert VerificationCode.objects.get(entry=entry).code == code


def test_an_attestation_certificate_names_the_policy_version_and_text_hash(client, person, staff, policy, tmp_path):
    factories.make_requirement(name="Policy attestation", kind=Requirement.ATTEST_POLICY, page=policy)
    snapshot = PolicySnapshot.objects.get(page_id=policy.pk)
    (attested,) = attestation_record(staff=staff, snapshot=snapshot, user=person)
    text = pdf_text(download(client, person, attested).content, tmp_path)
    assert "Certificate of attestation" in text
    assert "Social Media and Digital Content Policy" in text and "1.0" in text
    assert snapshot.content_hash in text.replace(" ", "")
    today = timezone.localdate()
    assert f"{today.day} {today:%B %Y}" in text  # attested today
    assert "Policy attestation" in text


def test_a_completion_with_no_renewal_says_no_expiry(client, person, staff, tmp_path):
    once = factories.make_requirement(name="Induction", renewal_months=None)
    text = pdf_text(download(client, person, factories.make_completion(staff, once)).content, tmp_path)
    assert "No expiry" in text


def test_names_are_printed_as_written(client, db, tmp_path):
    user = factories.make_user(first_name="Siobhán", last_name="O'Connor-Ní Bhriain", email="s@example.nhs.uk")
    staff = factories.make_staff(user=user)
    entry = factories.make_completion(staff, factories.make_requirement(name="Données & Ærø: Łódź"))
    text = pdf_text(download(client, user, entry).content, tmp_path)
    assert "Siobhán O'Connor-Ní Bhriain" in text and "Données & Ærø: Łódź" in text


def test_hr_can_download_anyones_certificate(client, entry, someone_else):
    someone_else.groups.add(hr_group())
    factories.with_mfa(someone_else)
    assert download(client, someone_else, entry).status_code == 200


def test_hr_whose_session_has_not_proved_the_second_factor_cannot(client, entry, someone_else):
    someone_else.groups.add(hr_group())
    factories.with_mfa(someone_else)
    factories.sign_in(client, someone_else, second_factor=False)
    assert client.get(reverse("reports:certificate_pdf", args=[entry.pk])).status_code == 404


@pytest.mark.parametrize("who", ["someone_else", "their_manager"])
def test_nobody_else_can_download_it(client, staff, entry, someone_else, who):
    if who == "their_manager":
        team = factories.make_team()
        staff.team = team
        staff.save()
        TeamManager.objects.create(staff=factories.make_staff(user=someone_else, team=team), team=team)
    assert download(client, someone_else, entry).status_code == 404
    assert not VerificationCode.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, entry):
    response = client.get(reverse("reports:certificate_pdf", args=[entry.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_withdrawn_entries_and_corrections_have_no_certificate(client, person, entry, someone_else):
    void = evidence_void(entry=entry, reason="Wrong person", voided_by=someone_else)
    assert download(client, person, entry).status_code == 404
    assert download(client, person, void).status_code == 404


# --- /verify/<code>/ --------------------------------------------------------------------------------------------


def code_for(client, person, entry) -> str:
    download(client, person, entry)
    client.logout()
    return VerificationCode.objects.get(entry=entry).code


def test_verify_is_public_and_shows_only_what_the_certificate_shows(client, person, staff, entry):
    code = code_for(client, person, entry)
    response = client.get(reverse("reports:verify", args=[code]))
    html = response.content.decode()
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    assert "This certificate is genuine" in html
    assert "Priya Shah" in html and "Safeguarding Adults Level 1" in html
    assert "2 March 2026" in html and "2 March 2029" in html and code in html
    for private in [staff.employee_number, person.email, staff.job_title, entry.source_ref, entry.content_hash]:
        assert private not in html


def test_verify_accepts_a_code_typed_from_paper(client, person, entry):
    code = code_for(client, person, entry)
    typed = f"{code[:4].lower()} {code[4:8]}-{code[8:]}"
    assert "This certificate is genuine" in client.get(reverse("reports:verify", args=[typed])).content.decode()


def test_verify_says_when_a_certificate_has_been_withdrawn(client, person, entry, someone_else):
    code = code_for(client, person, entry)
    evidence_void(entry=entry, reason="Wrong person", voided_by=someone_else)
    html = client.get(reverse("reports:verify", args=[code])).content.decode()
    assert "This certificate has been withdrawn" in html and "genuine" not in html
    assert "Wrong person" not in html  # the reason is HR's business, not the reader's


def test_verify_shows_an_attestations_version(client, person, staff, policy):
    factories.make_requirement(name="Policy attestation", kind=Requirement.ATTEST_POLICY, page=policy)
    snapshot = PolicySnapshot.objects.get(page_id=policy.pk)
    (attested,) = attestation_record(staff=staff, snapshot=snapshot, user=person)
    html = client.get(reverse("reports:verify", args=[code_for(client, person, attested)])).content.decode()
    assert "Social Media and Digital Content Policy" in html and "1.0" in html and snapshot.content_hash in html


def test_an_unknown_code_is_plainly_not_found(client, person, entry):
    code_for(client, person, entry)
    response = client.get(reverse("reports:verify", args=["ABCDEFGHJKMN"]))
    html = response.content.decode()
    assert response.status_code == 404 and "No certificate matches this code" in html
    assert "Priya Shah" not in html and "Safeguarding" not in html
