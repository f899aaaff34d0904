"""The door an import came through, when no one signed in asked (`ImportBatch.applied_via`), is kept whole: a command
run under sudo names two accounts of up to 32 characters each, and an API client a name of up to 100, which a
100-character field cut short on the batch (the audit log, 255 characters, kept them whole)."""

import io
import os

import pytest
from django.core.management import call_command

from portal.audit.models import AuditEvent
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import ImportBatch
from tests import factories

ASKED, ACCOUNT = "j" * 32, "p" * 32  # Linux's longest account names


@pytest.fixture
def roster(db) -> bytes:
    team = factories.make_team("Communications")
    return (
        "Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date\r\n"
        f"1001,Grace,Jones,grace.jones@example.nhs.uk,{team.code},01/02/2024\r\n"
    ).encode()


def test_a_command_run_by_two_accounts_of_32_characters_is_named_whole(roster):
    said = f"the command line (manage.py import_roster, run by {ASKED} as {ACCOUNT})"
    batch, _ = import_batch_create(kind=ImportBatch.ROSTER, data=roster, filename="roster.csv", user=None)
    import_batch_apply(batch=batch, user=None, via=said, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE
    assert batch.applied_via == said
    assert AuditEvent.objects.get(action=AuditEvent.IMPORT).actor_name == said


def test_the_command_itself_names_them_whole(roster, tmp_path, monkeypatch):
    """Under sudo, as a user id the server has no name for (a container's): the longest the command says today."""
    path = tmp_path / "roster.csv"
    path.write_bytes(roster)
    monkeypatch.setenv("SUDO_USER", ASKED)
    monkeypatch.setattr(os, "geteuid", lambda: 4294967294)
    call_command("import_roster", str(path), "--apply", stdout=io.StringIO())
    said = f"the command line (manage.py import_roster, run by {ASKED} as user id 4294967294)"
    assert ImportBatch.objects.get().applied_via == said
    assert AuditEvent.objects.get(action=AuditEvent.IMPORT).actor_name == said
