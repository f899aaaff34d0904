"""An organisation file's apply holds the team tree's lock from its plan to its commit (96c9943): a roster import for
people in teams the file does not touch does not wait for it (PostgreSQL: real concurrent transactions, one thread
each, the first's transaction held open), and a change to the tree from the HR pages does."""

import pytest
from django.db import connection  # noqa: F401 (the skipif condition)

from portal.compliance import organisation
from portal.compliance.imports.services import import_batch_apply, import_batch_create, import_batch_run
from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember, Team
from tests.compliance.test_import_utf16 import private_files  # noqa: F401
from tests.compliance.test_organisation_concurrency import _second_while_first_is_open

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database for real concurrency"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def asked(settings):
    """An organisation file adding a team under the trust, asked to apply and waiting for the task worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    trust = Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)
    trust.add_child(code="RX1-C", name="Communications", kind=Team.DIRECTORATE)
    data = b"Organisation Code,Organisation Name,Parent Organisation Code\r\nRX1,Example Trust,\r\nRX1-N,New,RX1\r\n"
    batch, _ = import_batch_create(kind="organisation", data=data, filename="tree.csv", user=None)
    import_batch_apply(batch=batch, user=None, dry_run=batch.summary["dry_run"]["fingerprint"])
    return batch


def _roster() -> str:
    data = (
        b"Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date\r\n"
        b"1001,Grace,Jones,grace.jones@example.nhs.uk,RX1-C,01/02/2024\r\n"
    )
    batch, _ = import_batch_create(kind=ImportBatch.ROSTER, data=data, filename="roster.csv", user=None)
    import_batch_apply(batch=batch, user=None, via="the command line (test)", background=False)
    batch.refresh_from_db()
    return batch.status


def test_a_roster_for_other_teams_does_not_wait_for_it(asked):
    result, before_commit = _second_while_first_is_open(lambda: import_batch_run(asked.pk), _roster)
    assert (result, before_commit) == (ImportBatch.DONE, True)
    assert StaffMember.objects.filter(employee_number="1001").exists()
    assert Team.objects.filter(code="RX1-N").exists()


def test_a_change_to_the_tree_from_the_hr_pages_waits_for_it(asked):
    team = Team.objects.get(code="RX1-C")

    def rename():
        return organisation.team_rename(team=team, name="Comms", code="RX1-C", user="HR").name

    result, before_commit = _second_while_first_is_open(lambda: import_batch_run(asked.pk), rename)
    assert (result, before_commit) == ("Comms", False)
