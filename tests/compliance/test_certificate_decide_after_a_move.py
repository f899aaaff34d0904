"""HR verifying a certificate judges the person as they are once it holds their lock, not as it read them before.

certificate_decide read the person (for "you cannot verify your own certificate") before taking their lock, and
judged the requirement's audience on that reading: a roster apply moving them out of the audience, holding their lock
meanwhile, was committed by the time the verification had the lock, yet the old team let it through, and the ledger
recorded evidence for a requirement that no longer applied to them, which verifying a certificate for someone who has
already moved refuses (tests/compliance/test_certificate_verify_requirement.py).

Only PostgreSQL lets the two transactions run side by side: SQLite's begin IMMEDIATE, one writer at a time."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from portal.compliance import ledger
from portal.compliance.certificates import CertificateError, certificate_decide
from portal.compliance.models import Certificate, EvidenceEntry
from portal.compliance.projection import refresh
from portal.people.models import StaffMember
from tests import factories
from tests.compliance.test_certificate_verify_requirement import course, hr, staff, uploaded, wards  # noqa: F401

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs two transactions at once"),
    pytest.mark.django_db(transaction=True),
]


def _in_a_thread(work) -> tuple[threading.Thread, dict]:
    outcome = {}

    def run():
        try:
            outcome["returned"] = work()
        except Exception as error:
            outcome["raised"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"waited 30 s for {what}"
        time.sleep(0.05)


def _waiting_for_a_persons_lock() -> bool:
    with connection.cursor() as cursor:
        # This database's only: CI's other worker takes people's locks in its own database on the same server.
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return cursor.fetchone()[0] > 0


def test_a_move_out_of_the_audience_committed_while_hr_waits_for_the_lock_is_seen(hr, staff, course, uploaded):  # noqa: F811
    payroll = factories.make_team("Payroll")
    moved, commit = threading.Event(), threading.Event()

    def roster_move():  # as compliance.roster.roster_apply: the person's row changed, then their lock and status
        with transaction.atomic():
            StaffMember.objects.filter(pk=staff.pk).update(team=payroll)
            ledger.people_lock([staff.pk])
            refresh(staff_ids=[staff.pk])
            moved.set()
            assert commit.wait(30)

    mover, _ = _in_a_thread(roster_move)
    _until(moved.is_set, "the move to hold the person's lock")
    verifier, decided = _in_a_thread(lambda: certificate_decide(certificate=uploaded, reviewer=hr, approve=True))
    _until(_waiting_for_a_persons_lock, "HR's verification to wait for the person's lock")
    commit.set()
    mover.join(30)
    verifier.join(30)

    assert isinstance(decided.get("raised"), CertificateError), decided
    assert str(decided["raised"]).startswith("Safeguarding Children Level 3 no longer applies to Priya Shah")
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.PENDING and not EvidenceEntry.objects.exists()
