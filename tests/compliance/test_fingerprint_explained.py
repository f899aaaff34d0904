"""Wherever a policy text's fingerprint is shown (the attestation pages, a certificate's check, the PDF certificate),
a plain-English explanation sits beside it: a short code from the exact words, which changes if one word does."""

import subprocess

import pytest
from django.urls import reverse

from portal.compliance.models import PolicySnapshot, Requirement
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record
from portal.reports.certificates import verification_code_for
from tests import factories
from tests.compliance.test_attestation import attest

EXPLAINED = "If one word of the text changed, the code would change too"


@pytest.fixture
def staff(person):
    return factories.make_staff(user=person)


@pytest.fixture
def attestation(policy):
    return factories.make_requirement(name="Policy attestation", kind=Requirement.ATTEST_POLICY, page=policy)


def text_of(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_attestation_page_and_its_confirmation_explain_the_fingerprint(client, person, staff, attestation):
    refresh(staff_ids=[staff.pk])
    factories.sign_in(client, person)
    url = reverse("attestation:attest", args=[attestation.pk])
    html = text_of(client.get(url))
    assert "text fingerprint" in html and "What is a text fingerprint?" in html
    assert f"the policy version you attested to. {EXPLAINED}" in html and "SHA-256" in html

    done = attest(client, attestation.pk)
    html = text_of(client.get(done["Location"]))
    assert "Text fingerprint" in html and "What is a text fingerprint?" in html and EXPLAINED in html


def test_a_certificates_check_explains_it_for_an_attestation_only(client, person, staff, policy, attestation):
    snapshot = PolicySnapshot.objects.get(page_id=policy.pk)
    (attested,) = attestation_record(staff=staff, snapshot=snapshot, user=person)
    html = text_of(client.get(reverse("reports:verify", args=[verification_code_for(attested).code])))
    assert "Text fingerprint (SHA-256)" in html
    assert f"the policy version the person attested to. {EXPLAINED}" in html

    course = factories.make_completion(staff, factories.make_requirement(name="Fire Safety"))
    html = text_of(client.get(reverse("reports:verify", args=[verification_code_for(course).code])))
    assert "fingerprint" not in html


def test_the_pdf_certificate_explains_it_for_an_attestation_only(client, person, staff, policy, attestation, tmp_path):
    snapshot = PolicySnapshot.objects.get(page_id=policy.pk)
    (attested,) = attestation_record(staff=staff, snapshot=snapshot, user=person)
    course = factories.make_completion(staff, factories.make_requirement(name="Fire Safety"))
    factories.sign_in(client, person)

    def pdf_text(entry) -> str:
        response = client.get(reverse("reports:certificate_pdf", args=[entry.pk]))
        path = tmp_path / f"{entry.pk}.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        return " ".join(text.split())

    text = pdf_text(attested)
    assert "Text fingerprint (SHA-256)" in text
    assert "The text fingerprint is a short code worked out from the exact words of the policy version" in text
    assert EXPLAINED in text and "proves which text was read and agreed to" in text
    assert "fingerprint" not in pdf_text(course)
