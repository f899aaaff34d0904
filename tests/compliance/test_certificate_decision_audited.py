"""HR's decision on a certificate is a line in the audit log, as voiding evidence is: who decided, whose certificate,
for which course, verified or rejected, with the reason given and the address asked from. Before, a verification
left only its ledger entry and a rejection only the certificate's own row (read-write data, whose reason and reviewer
anyone who can write the table may change), and HR's audit log said nothing of either. A refused decision (a second
click, a missing reason) writes no line: nothing was decided."""

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.compliance.models import Certificate
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

staff, course, hr, other_client = (
    test_certificates.staff,
    test_certificates.course,
    test_certificates.hr,
    test_certificates.other_client,
)


@pytest.fixture
def uploaded(person_client, course):
    assert upload(person_client, course, PDF).status_code == 302
    return Certificate.objects.get()


def _decide(client, certificate, **data):
    return client.post(reverse("certificates:decide", args=[certificate.pk]), data, REMOTE_ADDR="192.0.2.7")


def _decisions():
    return list(AuditEvent.objects.filter(action=AuditEvent.CERTIFICATE_DECIDED))


def test_a_verification_is_audited(other_client, hr, staff, uploaded):
    factories.sign_in(other_client, hr)

    _decide(other_client, uploaded, decision="approve")

    (line,) = _decisions()
    assert (line.actor, line.actor_name) == (hr, "Dev Patel")
    assert line.scope == f"{staff.full_name}: Safeguarding Children Level 1: certificate {uploaded.pk} verified"
    assert line.get_action_display() == "Verified or rejected a certificate"
    uploaded.refresh_from_db()
    assert line.detail == {
        "ip": "192.0.2.7",
        "staff_id": staff.pk,
        "requirement_id": uploaded.requirement_id,
        "certificate_id": uploaded.pk,
        "decision": "verified",
        "entry_seq": uploaded.evidence.seq,
    }


def test_a_rejection_is_audited_with_its_reason(other_client, hr, staff, uploaded):
    factories.sign_in(other_client, hr)

    _decide(other_client, uploaded, decision="reject", reason="  The name on it is not yours  ")

    (line,) = _decisions()
    assert line.actor == hr
    assert line.scope == f"{staff.full_name}: Safeguarding Children Level 1: certificate {uploaded.pk} rejected"
    assert line.detail["decision"] == "rejected"
    assert line.detail["reason"] == "The name on it is not yours"
    assert line.detail["certificate_id"] == uploaded.pk and line.detail["staff_id"] == staff.pk
    # HR's audit log names it
    html = other_client.get(reverse("hr_reports:audit_log")).content.decode()
    assert "Verified or rejected a certificate" in html and f"certificate {uploaded.pk} rejected" in html


def test_a_refused_or_repeated_decision_writes_no_line(other_client, hr, uploaded):
    factories.sign_in(other_client, hr)

    _decide(other_client, uploaded, decision="reject", reason="")  # no reason: refused
    assert _decisions() == []
    _decide(other_client, uploaded, decision="approve")
    _decide(other_client, uploaded, decision="reject", reason="Too late")  # decided already: refused

    assert [line.detail["decision"] for line in _decisions()] == ["verified"]
