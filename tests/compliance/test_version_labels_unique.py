"""A version's number names one text of a policy: the database refuses a second snapshot of a policy under a number
it already froze, whatever door freezes it (the policy page refuses it first, with a message)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from portal.compliance.models import PolicySnapshot
from portal.compliance.services import policy_snapshot_create
from tests import factories


def _freeze(page, label: str) -> PolicySnapshot:
    return policy_snapshot_create(
        page=page,
        version_label=label,
        effective_date=datetime.date(2026, 6, 1),
        title=page.title,
        sections=[{"number": "1", "heading": "Introduction", "text": f"Text of {label}."}],
        material=True,
    )


@pytest.mark.django_db
def test_a_second_snapshot_under_a_number_the_policy_froze_is_refused():
    policy = factories.make_policy()
    label = PolicySnapshot.objects.get(page=policy).version_label
    with pytest.raises(IntegrityError), transaction.atomic():
        _freeze(policy, label)
    assert PolicySnapshot.objects.filter(page=policy).count() == 1


@pytest.mark.django_db
def test_another_policy_may_use_the_same_number():
    first, second = factories.make_policy(), factories.make_policy()
    label = PolicySnapshot.objects.get(page=first).version_label
    assert PolicySnapshot.objects.filter(page=second, version_label=label).exists()
    _freeze(first, "2.0")
    _freeze(second, "2.0")
    assert PolicySnapshot.objects.filter(version_label="2.0").count() == 2
