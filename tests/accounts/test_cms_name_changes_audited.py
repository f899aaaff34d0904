"""A name changed in the CMS is in the audit log: the name before and after, on whose account, and who changed it,
written in the transaction that saves it (a save whose audit line fails is not saved). The name is on every report,
export and certificate, and the user editor, and a CMS user's own account page (/cms/account/), changed it without a
trace. Any other save of an account (the shell) is audited too, naming no one."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from portal.accounts import receivers
from portal.audit.models import AuditEvent
from tests import factories


@pytest.fixture
def admin(db):
    return factories.with_mfa(
        factories.make_user(is_superuser=True, email="root@example.nhs.uk", first_name="Rita", last_name="Root")
    )


@pytest.fixture
def admin_client(admin):
    return factories.sign_in(Client(), admin)


@pytest.fixture
def sam(db):
    return factories.make_user(email="sam.taylor@example.nhs.uk", first_name="Sam", last_name="Taylor")


def _edit(client, user, **names):
    data = {"email": user.email, "first_name": user.first_name, "last_name": user.last_name, "is_active": "on"}
    data.update(names)
    return client.post(reverse("wagtailusers_users:edit", args=[user.pk]), data)


def _name_changes():
    return list(AuditEvent.objects.filter(action=AuditEvent.ACCOUNT_CHANGED).order_by("pk"))


def test_a_name_changed_in_the_user_editor_is_audited_before_and_after_naming_who(admin_client, admin, sam):
    assert _edit(admin_client, sam, first_name="Samuel", last_name="Taylor-Reid").status_code == 302
    [line] = _name_changes()
    assert line.scope == ("sam.taylor@example.nhs.uk: first name “Sam” → “Samuel”; last name “Taylor” → “Taylor-Reid”")
    assert (line.actor, line.actor_name) == (admin, "Rita Root")
    assert line.detail["changes"] == {"first_name": ["Sam", "Samuel"], "last_name": ["Taylor", "Taylor-Reid"]}
    assert line.detail["account"] == sam.pk and line.detail["ip"] == "127.0.0.1"
    assert line.get_action_display() == "Changed an account's name or password"


def test_only_what_changed_is_named(admin_client, sam):
    _edit(admin_client, sam, last_name="Reid")
    [line] = _name_changes()
    assert line.detail["changes"] == {"last_name": ["Taylor", "Reid"]}
    assert line.scope == "sam.taylor@example.nhs.uk: last name “Taylor” → “Reid”"


def test_a_save_that_changes_no_name_writes_no_line(admin_client, sam):
    assert _edit(admin_client, sam).status_code == 302
    assert _name_changes() == []


def test_a_refused_edit_writes_no_name_change(admin_client, sam):
    response = _edit(admin_client, sam, first_name="Samuel", email="someone.else@example.com")
    assert response.status_code == 302  # refused: the sign-in email is the roster's
    assert _name_changes() == [] and get_user_model().objects.get(pk=sam.pk).first_name == "Sam"


def test_the_name_and_its_audit_line_are_saved_together_or_not_at_all(admin_client, sam, monkeypatch):
    def fails(**kwargs):
        raise DatabaseError("the audit log could not be written")

    monkeypatch.setattr(receivers, "audit_record", fails)
    with pytest.raises(DatabaseError):
        _edit(admin_client, sam, first_name="Samuel")
    assert get_user_model().objects.get(pk=sam.pk).first_name == "Sam"


def test_a_cms_user_renaming_themselves_on_their_account_page_is_audited(db):
    editor = factories.with_mfa(factories.make_user(email="chloe.editor@example.nhs.uk", first_name="Chloe"))
    editor.groups.add(Group.objects.get(name="Editors"))
    client = factories.sign_in(Client(), editor)
    data = {"name_email-first_name": "Sam", "name_email-last_name": "Taylor", "avatar-avatar": ""}
    data.update({"theme-theme": "system", "theme-density": "default", "theme-contrast": "system"})
    data.update({"locale-preferred_language": "en", "locale-current_time_zone": ""})
    assert client.post(reverse("wagtailadmin_account"), data).status_code == 302
    assert get_user_model().objects.get(pk=editor.pk).first_name == "Sam"
    [line] = _name_changes()
    assert line.actor == editor and line.detail["path"] == reverse("wagtailadmin_account")
    assert line.detail["changes"]["first_name"] == ["Chloe", "Sam"]


def test_a_name_changed_outside_a_request_is_audited_naming_no_one(sam):
    sam.first_name = "Samuel"
    sam.save()
    [line] = _name_changes()
    assert line.actor is None and "ip" not in line.detail
    assert line.actor_name.startswith("a program on the server (")  # the test runner (tests/audit/test_who_when_*)
    assert line.scope == "sam.taylor@example.nhs.uk: first name “Sam” → “Samuel”"


def test_a_save_of_other_fields_reads_and_writes_no_name(sam):
    sam.first_name = "Samuel"  # changed in memory, but not among the fields this save writes
    sam.save(update_fields=["last_login"])
    assert _name_changes() == []
