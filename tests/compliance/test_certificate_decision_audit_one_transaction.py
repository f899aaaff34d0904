"""HR's decision and its audit line are one transaction (e34a878): a failure after the line is written takes the line
back with the decision, and a failure writing the line takes the decision back, so the log never names a
verification the ledger does not hold, nor the ledger one the log does not."""

import pytest

from portal.audit.models import AuditEvent
from portal.compliance import certificates
from portal.compliance.certificates import certificate_decide
from portal.compliance.models import Certificate, EvidenceEntry
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

staff, course, hr = test_certificates.staff, test_certificates.course, test_certificates.hr


class Broken(Exception):
    pass


def _break(*args, **kwargs):
    raise Broken


@pytest.fixture
def uploaded(person_client, course):
    assert upload(person_client, course, PDF).status_code == 302
    return Certificate.objects.get()


def _nothing_decided(certificate):
    certificate.refresh_from_db()
    assert certificate.status == Certificate.PENDING and certificate.reviewed_by is None
    assert not EvidenceEntry.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.CERTIFICATE_DECIDED).exists()


@pytest.mark.parametrize("approve", [True, False])
def test_a_failure_after_the_line_takes_back_both(monkeypatch, hr, uploaded, approve):
    monkeypatch.setattr(certificates, "certificate_decision_send_on_commit", _break)  # the step after the line

    with pytest.raises(Broken):
        certificate_decide(certificate=uploaded, reviewer=hr, approve=approve, reason="Not yours")

    _nothing_decided(uploaded)


@pytest.mark.parametrize("approve", [True, False])
def test_a_failure_writing_the_line_takes_back_the_decision(monkeypatch, hr, uploaded, approve):
    monkeypatch.setattr(certificates, "audit_record", _break)

    with pytest.raises(Broken):
        certificate_decide(certificate=uploaded, reviewer=hr, approve=approve, reason="Not yours")

    _nothing_decided(uploaded)
