"""A command run at the server names, in the audit log and on the import's batch, the operating-system account that
ran it, and under sudo the account that asked: "the command line (manage.py import_roster)" told an auditor only
that someone with a shell on the server had done it. The account comes from the system's table for the process's
user, so setting LOGNAME or USER does not change it."""

import io
import os
import subprocess

import pytest
from django.core.management import call_command

from portal.audit.models import AuditEvent
from portal.compliance.models import ImportBatch
from portal.lib.commands import command_line
from tests import factories

ACCOUNT = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def plain_shell(monkeypatch):
    monkeypatch.delenv("SUDO_USER", raising=False)
    return monkeypatch


def test_the_account_that_ran_the_command_is_named(plain_shell):
    assert command_line("import_roster") == f"the command line (manage.py import_roster, run by {ACCOUNT})"


def test_under_sudo_the_account_that_asked_is_named_too(plain_shell):
    plain_shell.setenv("SUDO_USER", "jsmith")
    assert command_line("rebuild_status") == f"the command line (manage.py rebuild_status, run by jsmith as {ACCOUNT})"


def test_sudo_to_oneself_names_the_account_once(plain_shell):
    plain_shell.setenv("SUDO_USER", ACCOUNT)
    assert command_line("rebuild_status") == f"the command line (manage.py rebuild_status, run by {ACCOUNT})"


def test_logname_and_user_do_not_change_the_account(plain_shell):
    plain_shell.setenv("LOGNAME", "someone-else")
    plain_shell.setenv("USER", "someone-else")
    assert command_line("import_file") == f"the command line (manage.py import_file, run by {ACCOUNT})"


def test_a_user_id_with_no_name_is_given_as_its_number(plain_shell):
    unnamed = 54321
    assert subprocess.run(["getent", "passwd", str(unnamed)], capture_output=True).returncode != 0
    plain_shell.setattr(os, "geteuid", lambda: unnamed)
    assert command_line("import_file") == f"the command line (manage.py import_file, run by user id {unnamed})"


@pytest.mark.django_db
def test_a_roster_applied_under_sudo_names_both_on_the_batch_and_in_the_audit_log(plain_shell, tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    team = factories.make_team("Communications")
    path = tmp_path / "roster.csv"
    path.write_text(
        "Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date\r\n"
        f"1001,Grace,Jones,grace.jones@example.nhs.uk,{team.code},01/02/2024\r\n"
    )
    plain_shell.setenv("SUDO_USER", "jsmith")
    call_command("import_roster", str(path), "--apply", stdout=io.StringIO())
    said = f"the command line (manage.py import_roster, run by jsmith as {ACCOUNT})"
    assert ImportBatch.objects.get().applied_via == said
    assert AuditEvent.objects.get(action=AuditEvent.IMPORT).actor_name == said
