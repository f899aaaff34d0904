"""The audit log names who did something even when no account did it. Its "who" column read "None" for every
failed sign-in and for what was changed outside a request (a role given or a name changed in `manage.py shell`): HR
and an auditor reading it learnt nothing. A failed sign-in is now "Someone not signed in"; what no request asked
for names the process and the server account that ran it (`portal.lib.commands.this_process`)."""

import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.lib.commands import this_process
from portal.people.roles import hr_group
from tests import factories

ACCOUNT = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def shell(monkeypatch):
    """As if run by `manage.py shell` with no sudo."""
    monkeypatch.delenv("SUDO_USER", raising=False)
    monkeypatch.setattr(sys, "argv", ["manage.py", "shell"])
    return monkeypatch


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["manage.py", "shell"], f"the command line (manage.py shell, run by {ACCOUNT})"),
        (
            ["/srv/portal/manage.py", "changepassword", "x"],
            f"the command line (manage.py changepassword, run by {ACCOUNT})",
        ),
        (
            ["/srv/.venv/bin/django-admin", "createsuperuser"],
            f"the command line (manage.py createsuperuser, run by {ACCOUNT})",
        ),
        (["manage.py", "db_worker"], f"the task worker (manage.py db_worker, run by {ACCOUNT})"),
        (["/srv/.venv/bin/gunicorn", "portal.wsgi"], f"a program on the server (gunicorn, run by {ACCOUNT})"),
        (["-c"], f"a program on the server (python, run by {ACCOUNT})"),
        ([], f"a program on the server (python, run by {ACCOUNT})"),
    ],
)
def test_the_process_is_named_with_its_account(monkeypatch, argv, said):
    monkeypatch.delenv("SUDO_USER", raising=False)
    monkeypatch.setattr(sys, "argv", argv)
    assert this_process() == said


def test_a_failed_sign_in_is_by_someone_not_signed_in(db):
    factories.make_user(email="ruth@example.nhs.uk")
    Client().post("/accounts/login/", {"login": "ruth@example.nhs.uk", "password": "wrong"})
    event = AuditEvent.objects.get(action=AuditEvent.SIGN_IN_FAILED)
    assert (event.actor, event.actor_name, event.scope) == (None, "Someone not signed in", "ruth@example.nhs.uk")


def test_a_role_given_in_the_shell_names_the_shell_and_its_account(db, shell):
    shell.setenv("SUDO_USER", "jsmith")
    user = factories.make_user(email="ruth@example.nhs.uk")
    user.groups.add(hr_group())
    event = AuditEvent.objects.get(action=AuditEvent.ROLE_CHANGED)
    assert event.scope == "ruth@example.nhs.uk added to HR"
    assert (event.actor, event.actor_name) == (None, f"the command line (manage.py shell, run by jsmith as {ACCOUNT})")


def test_a_name_changed_in_the_shell_names_the_shell_and_its_account(db, shell):
    user = factories.make_user(email="ruth@example.nhs.uk", first_name="Ruth")
    user.first_name = "Ruthie"
    user.save()
    event = AuditEvent.objects.get(action=AuditEvent.ACCOUNT_CHANGED)
    assert (event.actor, event.actor_name) == (None, f"the command line (manage.py shell, run by {ACCOUNT})")


def test_the_audit_page_shows_the_words_not_none(db, shell):
    factories.make_user(email="ruth@example.nhs.uk").groups.add(hr_group())
    Client().post("/accounts/login/", {"login": "nobody@example.nhs.uk", "password": "wrong"})
    hr = factories.make_staff(team=factories.make_team("HR", kind="organisation"))
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    page = factories.sign_in(Client(), hr.user).get(reverse("hr_reports:audit_log")).content.decode()
    assert "Someone not signed in" in page and f"the command line (manage.py shell, run by {ACCOUNT})" in page
    assert ">None<" not in page
