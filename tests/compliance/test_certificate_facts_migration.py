"""Certificates issued before they kept what they were printed with (compliance 0024) are given it from the records:
the training's name and renewal period as recorded when the certificate was first downloaded, so a renewal period
changed since does not change what its check shows. Before, the check worked the expiry out from the period now."""

import datetime
import importlib
from types import SimpleNamespace

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.compliance.models import VerificationCode
from portal.compliance.services import requirement_save
from portal.reports.certificates import verification_code_for
from tests import dbrole, factories

MIGRATION = "0024_certificate_facts_as_issued"


def _as_before_0024(codes) -> None:
    """The codes as they were before 0024 gave them their facts (as the owner: the app role may not change them)."""
    with dbrole.as_owner(), connection.cursor() as cursor:
        for code in codes:
            cursor.execute(
                "UPDATE compliance_verificationcode SET name = '', requirement_name = '', expires_on = NULL, "
                "facts_key = %s WHERE code = %s",
                [code, code],
            )


def _backfill() -> int:
    """Run 0024's backfill as `migrate` would (its models as they were, as the owner); returns its queries."""
    state_apps = MigrationExecutor(connection).loader.project_state(("compliance", MIGRATION)).apps
    backfill = importlib.import_module(f"portal.compliance.migrations.{MIGRATION}").facts_as_first_printed
    with dbrole.as_owner(), CaptureQueriesContext(connection) as queries:
        backfill(state_apps, SimpleNamespace(connection=connection))
    return len(queries)


def test_a_certificate_issued_before_is_given_the_expiry_it_was_printed_with(db):
    staff = factories.make_staff(first_name="Priya", last_name="Shah")
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    entry = factories.make_completion(staff, course, timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0)))
    code = verification_code_for(entry).code
    course.renewal_months, course.name = 12, "Safeguarding Adults (Level 1)"
    requirement_save(requirement=course, user=factories.make_user())
    _as_before_0024([code])

    _backfill()
    issued = VerificationCode.objects.get(code=code)
    printed = ("Priya Shah", "Safeguarding Adults Level 1", datetime.date(2029, 3, 2))
    assert (issued.name, issued.requirement_name, issued.expires_on) == printed
    assert issued.facts_key == VerificationCode.key_of(entry.pk, *printed)
    # Downloaded now, the certificate states the facts of today, under a code of its own.
    again = verification_code_for(entry)
    assert again.code != code and again.expires_on == datetime.date(2027, 3, 2)


def _facts_forgotten_for(count: int, course) -> list[str]:
    """`count` certificates issued for completions of `course`, as they stood before 0024 gave them their facts."""
    codes = []
    for _ in range(count):
        entry = factories.make_completion(factories.make_staff(), course, timezone.now())
        codes.append(verification_code_for(entry).code)
    _as_before_0024(codes)
    return codes


def test_the_backfill_takes_the_same_queries_for_many_certificates_as_for_a_few(db):
    """A large trust has tens of thousands of codes: a query or two for each (the requirement's history read again,
    one UPDATE per code) held the table's lock from the migration's ALTER for minutes, and every download and check
    waited on it. The history is read once per requirement, the codes written in batches."""
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    counted = []
    for count in (3, 12):  # the second run reads the first's 3 again: 15 in all
        _facts_forgotten_for(count, course)
        counted.append(_backfill())
    assert counted[0] == counted[1], counted
    assert "" not in set(VerificationCode.objects.values_list("name", flat=True))


def test_the_backfill_gives_every_code_its_facts_a_page_at_a_time(db, monkeypatch):
    """Pages of 2 here (500 in the migration): every code of 5, across three pages, gets its own facts."""
    migration = importlib.import_module(f"portal.compliance.migrations.{MIGRATION}")
    monkeypatch.setattr(migration, "BATCH", 2)
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    codes = _facts_forgotten_for(5, course)
    _backfill()
    for verification in VerificationCode.objects.filter(code__in=codes).select_related("entry__staff"):
        printed = (verification.entry.staff.full_name, "Safeguarding Adults Level 1", verification.expires_on)
        assert verification.expires_on is not None and verification.name == printed[0]
        assert verification.facts_key == VerificationCode.key_of(verification.entry_id, *printed)
