"""Migrations compliance 0024/0025 (a certificate keeps its facts as printed) and people 0008 (who people were) run as
`migrate` runs them, with the historical models, on a database that has codes issued, people and requirements'
history, and back again. tests/compliance/test_certificate_facts_migration.py calls 0024's function with today's
models; this runs the migrations themselves."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from portal.compliance.models import VerificationCode
from portal.compliance.services import requirement_save
from portal.people.models import IdentityChange
from portal.reports.certificates import verification_code_for
from tests import dbrole, factories

BEFORE = [("compliance", "0023_window_from_start"), ("people", "0007_teamchange")]
COMPLETED = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _issued() -> list[tuple]:
    return list(
        VerificationCode.objects.order_by("code").values_list(
            "code", "entry_id", "name", "requirement_name", "expires_on"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_back_before_them_and_forward_again_keeps_every_certificate_as_printed():
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    people = [factories.make_staff(first_name="Priya", last_name=f"Shah {n}") for n in range(3)]
    for staff in people:
        verification_code_for(factories.make_completion(staff, course, COMPLETED))
    course.renewal_months = 12
    requirement_save(requirement=course, user=factories.make_user())  # the requirement's history has two rows now
    issued = _issued()
    assert [row[4] for row in issued] == [datetime.date(2029, 3, 2)] * 3

    with dbrole.as_owner():  # migrations run as the database's owner
        try:
            _migrate(BEFORE)
            _migrate(None)
        finally:
            _migrate(None)
    assert _issued() == issued
    keys = VerificationCode.objects.values_list("facts_key", "entry_id", "name", "requirement_name", "expires_on")
    assert all(key == VerificationCode.key_of(*facts) for key, *facts in keys)
    # A reprint today, with the period HR set since, is a certificate of its own; the first still reads as printed.
    entry = VerificationCode.objects.get(code=issued[0][0]).entry
    assert verification_code_for(entry).code != issued[0][0]
    assert sorted(IdentityChange.objects.values_list("staff_id", "last_name")) == sorted(
        (staff.pk, staff.last_name) for staff in people
    )


@pytest.mark.django_db(transaction=True)
def test_back_before_them_with_two_certificates_for_one_completion_is_refused_saying_why():
    """Before 0024 a completion had one code; after a change it may have two, both printed and in someone's hands.
    Going back cannot keep both, and must not drop either: it is refused, naming the completion, nothing changed."""
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    entry = factories.make_completion(factories.make_staff(), course, COMPLETED)
    verification_code_for(entry)
    course.renewal_months = 12
    requirement_save(requirement=course, user=factories.make_user())
    verification_code_for(entry)
    issued = _issued()
    assert len(issued) == 2

    with dbrole.as_owner():
        try:
            with pytest.raises(Exception) as refused:
                _migrate([("compliance", "0023_window_from_start")])
        finally:
            _migrate(None)
    assert f"completion {entry.pk} has 2 certificates" in str(refused.value)
    assert _issued() == issued
