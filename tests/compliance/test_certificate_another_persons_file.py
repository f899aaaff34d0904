"""A certificate names one person: the same file, byte for byte, uploaded by two people proves at most one of them.
HR verifying the second is refused, naming the first (whose, which course, when uploaded, where it stands) and what to
do: open both and reject the one that is not theirs. Before, Owen could upload the file of Priya's certificate, which
HR had verified, and HR could verify it again as Owen's: two completions in the ledger from one certificate, the
portal holding both SHA-256s and saying nothing. One rejected no longer stands in the other's way; the same person's
copies are `test_certificate_double_upload`'s."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.compliance.certificates import CertificateError, certificate_decide
from portal.compliance.models import Certificate, EvidenceEntry
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

staff, course, hr = test_certificates.staff, test_certificates.course, test_certificates.hr


@pytest.fixture
def owen(someone_else, course):
    owen = factories.make_staff(user=someone_else)
    refresh(staff_ids=[owen.pk])
    return owen


def _uploaded(user, course, completed):
    browser = factories.sign_in(Client(), user)
    assert upload(browser, course, PDF, completed=completed).status_code == 302
    return Certificate.objects.filter(staff__user=user).latest("uploaded_at")


def test_verifying_the_file_of_a_certificate_verified_for_someone_else_is_refused(person, owen, course, hr):
    priyas = _uploaded(person, course, "2026-01-15")
    certificate_decide(certificate=priyas, reviewer=hr, approve=True)
    owens = _uploaded(owen.user, course, "2026-01-20")

    with pytest.raises(CertificateError) as refused:
        certificate_decide(certificate=owens, reviewer=hr, approve=True)

    assert str(refused.value) == (
        f"This is the same file, byte for byte, as the certificate Priya Shah uploaded for Safeguarding Children "
        f"Level 1 on {priyas.uploaded_at:%-d %B %Y} (certificate {priyas.pk}), which HR verified. A certificate "
        "names one person: open both, and reject the one that is not theirs, saying why."
    )
    owens.refresh_from_db()
    assert owens.status == Certificate.PENDING
    assert list(EvidenceEntry.objects.values_list("staff__user", flat=True)) == [person.pk]


def test_two_waiting_with_one_file_are_both_held_until_hr_rejects_one(person, owen, course, hr):
    priyas = _uploaded(person, course, "2026-01-15")
    owens = _uploaded(owen.user, course, "2026-01-15")

    with pytest.raises(CertificateError) as refused:
        certificate_decide(certificate=priyas, reviewer=hr, approve=True)
    assert "as the certificate Owen Jones uploaded for Safeguarding Children Level 1 on " in str(refused.value)
    assert f"(certificate {owens.pk}), which is waiting for HR too." in str(refused.value)

    certificate_decide(certificate=owens, reviewer=hr, approve=False, reason="It names Priya Shah, not you")
    certificate_decide(certificate=priyas, reviewer=hr, approve=True)
    priyas.refresh_from_db()
    assert priyas.status == Certificate.APPROVED


def test_the_refusal_is_shown_on_the_queue(person, owen, course, hr):
    certificate_decide(certificate=_uploaded(person, course, "2026-01-15"), reviewer=hr, approve=True)
    owens = _uploaded(owen.user, course, "2026-01-20")
    officer = factories.sign_in(Client(), hr)

    page = officer.post(
        reverse("certificates:decide", args=[owens.pk]), {"decision": "approve"}, follow=True
    ).content.decode()

    assert "Owen Jones: This is the same file, byte for byte, as the certificate Priya Shah uploaded" in page
    assert EvidenceEntry.objects.count() == 1
