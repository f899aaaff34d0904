"""Two officers deciding, at the same moment, two people's copies of one file (b837ef6) record at most one
completion from it. No lock on the file's hash is needed: verifying takes only its own person's lock, but a copy
waiting stands in the way as one verified does, so each verification either sees the other copy (waiting, or verified
and committed: refused) or sees it rejected (committed, so it can never be verified). Pinned here on PostgreSQL with
the three decisions that could race: verify Priya's, verify Owen's, reject Owen's."""

import datetime

import pytest
from django.db import connection

from portal.compliance.certificates import CertificateError, certificate_decide, certificate_upload
from portal.compliance.models import Certificate, EvidenceEntry
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance.test_certificate_decided_once import hr_officer
from tests.compliance.test_certificates import PDF
from tests.compliance.test_concurrency import _all_at_once


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_deciding_two_peoples_copies_at_once_records_at_most_one(round_):
    requirement = factories.make_requirement()
    priya, owen = factories.make_staff(), factories.make_staff()
    refresh(staff_ids=[priya.pk, owen.pk])
    priyas, owens = (
        certificate_upload(
            staff=person,
            requirement=requirement,
            data=PDF,
            filename="c.pdf",
            completed_on=datetime.date(2026, 1, 15),
            user=person.user,
        )
        for person in (priya, owen)
    )
    decisions = iter(
        [
            (hr_officer("Dev", "Patel"), priyas, True),
            (hr_officer("Ann", "Other"), owens, True),
            (hr_officer("Sue", "Third"), owens, False),
        ]
    )

    def decide():
        reviewer, certificate, approve = next(decisions)
        return certificate_decide(certificate=certificate, reviewer=reviewer, approve=approve, reason="Not yours")

    results = _all_at_once(decide, count=3)

    assert all(isinstance(result, Certificate | CertificateError) for result in results), results
    verified = list(Certificate.objects.filter(status=Certificate.APPROVED).values_list("staff_id", flat=True))
    assert verified in ([], [priya.pk]), results  # Owen's is rejected or waiting, never verified beside Priya's
    assert EvidenceEntry.objects.count() == len(verified)
