"""A certificate's code keeps the facts it was printed with (949404d): the row is what /verify/ shows whoever holds
the paper, so, like the other records of what was issued, it is added and never changed or removed; a certificate
with other facts is a new row with a code of its own (`reports.certificates.verification_code_for`). On PostgreSQL the
app role may not either (tests/compliance/test_db_roles_frozen_tables.py)."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance.models import VerificationCode
from portal.people.models import AppendOnly
from portal.reports.certificates import verification_code_for
from tests import factories


@pytest.fixture
def issued(db):
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    entry = factories.make_completion(
        factories.make_staff(), course, timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
    )
    return verification_code_for(entry)


def test_a_code_as_issued_is_never_changed(issued):
    issued.expires_on = datetime.date(2035, 1, 1)
    with pytest.raises(AppendOnly):
        issued.save()
    with pytest.raises(AppendOnly):
        VerificationCode.objects.filter(pk=issued.pk).update(name="Someone Else")
    assert VerificationCode.objects.get(pk=issued.pk).expires_on == datetime.date(2029, 3, 2)


def test_a_code_as_issued_is_never_removed(issued):
    with pytest.raises(AppendOnly):
        issued.delete()
    with pytest.raises(AppendOnly):
        VerificationCode.objects.filter(pk=issued.pk).delete()
    assert VerificationCode.objects.filter(pk=issued.pk).exists()
