"""The API's completions are the import's (`docs/api.md`): a completion HR has verified a certificate of is already
recorded when the API sends it, and a certificate of a completion the API sent cannot be uploaded or verified. One
completion, one ledger entry, whichever door came first (`compliance/completion_facts.py`)."""

import datetime

import pytest

from portal.compliance.certificates import CertificateError, certificate_decide, certificate_upload
from portal.compliance.models import EvidenceEntry
from tests.compliance.test_certificates import PDF

from .conftest import completion

DAYS_AGO = 10


def certificate(org):
    sam, fire = org["people"]["sam"], org["fire"]
    done = datetime.date.today() - datetime.timedelta(days=DAYS_AGO)
    return certificate_upload(
        staff=sam, requirement=fire, data=PDF, filename="fire.pdf", completed_on=done, user=sam.user
    )


def sent(api, org, key):
    body = {"completions": [completion(org["people"]["sam"], days_ago=DAYS_AGO)]}
    response = api("post", "/api/v1/completions", "completions", body, key=key)
    assert response.status_code == 202, response.content
    return response.json()["summary"]


def test_a_completion_hr_verified_a_certificate_of_is_already_recorded(api, org):
    certificate_decide(certificate=certificate(org), reviewer=org["people"]["hr"].user, approve=True)
    summary = sent(api, org, "after-the-certificate")
    assert (summary["to_record"], summary["already_recorded"]) == (0, 1)
    assert list(EvidenceEntry.objects.values_list("source", flat=True)) == [EvidenceEntry.CERTIFICATE]


def test_a_completion_the_api_sent_takes_no_certificate(api, org):
    waiting = certificate(org)
    sent(api, org, "before-the-verification")
    with pytest.raises(CertificateError, match="already record Sam Person's completion of Fire safety"):
        certificate_decide(certificate=waiting, reviewer=org["people"]["hr"].user, approve=True)
    certificate_decide(certificate=waiting, reviewer=org["people"]["hr"].user, approve=False, reason="Recorded")
    with pytest.raises(CertificateError, match="already recorded, from the national e-learning records"):
        certificate(org)
    assert list(EvidenceEntry.objects.values_list("source", flat=True)) == [EvidenceEntry.IMPORT]
