import datetime

import pytest
from django.utils import timezone

from tests import factories


@pytest.fixture
def staff(db):
    return factories.make_staff(start_date=datetime.date(2026, 1, 5))


@pytest.fixture
def requirement(db):
    return factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)


@pytest.fixture
def record(staff, requirement):
    """Record a completion for `staff` (by default) against `requirement`, returning the entry."""
    from portal.compliance.models import EvidenceEntry
    from portal.compliance.services import evidence_record

    def _record(key, completed_at=None, who=None, req=None, **extra):
        entry, _ = evidence_record(
            staff=who or staff,
            requirement=req or requirement,
            source=extra.pop("source", EvidenceEntry.IMPORT),
            source_ref=extra.pop("source_ref", f"test {key}"),
            idempotency_key=key,
            completed_at=completed_at or timezone.now() - datetime.timedelta(days=1),
            **extra,
        )
        return entry

    return _record


@pytest.fixture
def hr_client(client, db):
    """The test client, signed in as an HR officer with a second factor."""
    from portal.people.roles import hr_group

    hr = factories.make_user()
    hr.groups.add(hr_group())
    factories.sign_in(client, factories.with_mfa(hr))
    return client
