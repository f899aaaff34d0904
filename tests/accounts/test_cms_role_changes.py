"""A role given or taken away in the Wagtail admin (the user editor, the users list's "Assign role", a new account
made an Administrator, the group editor) is audited naming who made it, and ends the sessions of those whose access
changed, as the HR roles page does (the HR role itself is refused there: tests/people/test_hr_role_not_in_the_cms.py).
The audit lines said "None": the receivers that write them did not know who was signed in, and an account made an
Administrator when it was created was not audited at all."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.people.roles import hr_group
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


def _role_changes():
    """The role changes a test made: not the admin's own account being made (audited too, below)."""
    made = "root@example.nhs.uk: created with is_superuser True"
    return list(AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED).exclude(scope=made).order_by("pk"))


def _epoch(user) -> int:
    return get_user_model().objects.values_list("session_epoch", flat=True).get(pk=user.pk)


def test_making_someone_an_editor_in_the_user_editor_names_who_did_it_and_ends_their_sessions(admin_client, admin, sam):
    before = _epoch(sam)
    editors = Group.objects.get(name="Editors")
    data = {"email": sam.email, "first_name": "Sam", "last_name": "Taylor", "is_active": "on", "groups": [editors.pk]}
    response = admin_client.post(reverse("wagtailusers_users:edit", args=[sam.pk]), data)
    assert response.status_code == 302
    [event] = _role_changes()
    assert event.scope == f"{sam.email} added to Editors"
    assert (event.actor, event.actor_name) == (admin, "Rita Root")
    assert event.detail["ip"] == "127.0.0.1"
    assert _epoch(sam) == before + 1


def test_assign_role_on_the_users_list_names_who_did_it(admin_client, admin, sam):
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "assign_role"]) + f"?id={sam.pk}"
    assert admin_client.post(url, {"role": Group.objects.get(name="Editors").pk}).status_code == 302
    [event] = _role_changes()
    assert (event.scope, event.actor) == (f"{sam.email} added to Editors", admin)


def test_making_someone_an_administrator_names_who_did_it(admin_client, admin, sam):
    before = _epoch(sam)
    data = {"email": sam.email, "first_name": "Sam", "last_name": "Taylor", "is_active": "on", "is_superuser": "on"}
    assert admin_client.post(reverse("wagtailusers_users:edit", args=[sam.pk]), data).status_code == 302
    [event] = _role_changes()
    assert (event.scope, event.actor) == (f"{sam.email}: is_superuser now True", admin)
    assert _epoch(sam) == before + 1


def test_an_account_made_an_administrator_when_it_is_created_is_audited(admin_client, admin):
    data = {"email": "new.admin@example.nhs.uk", "first_name": "Nia", "last_name": "Ward", "is_superuser": "on"}
    data.update(password1="Xyzzy plover 12345", password2="Xyzzy plover 12345")  # if the form asks for one
    response = admin_client.post(reverse("wagtailusers_users:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert get_user_model().objects.get(email="new.admin@example.nhs.uk").is_superuser
    assert [(event.scope, event.actor) for event in _role_changes()] == [
        ("new.admin@example.nhs.uk: created with is_superuser True", admin)
    ]


def test_an_account_made_an_administrator_outside_a_request_is_audited_too(db):
    get_user_model().objects.create_superuser(email="break.glass@example.nhs.uk", password=factories.PASSWORD)
    assert [(event.scope, event.actor) for event in _role_changes()] == [
        ("break.glass@example.nhs.uk: created with is_superuser True", None)
    ]


def test_an_ordinary_new_account_is_not_a_role_change(db):
    factories.make_user()
    assert _role_changes() == []


def _group_form(admin_client, group) -> dict:
    """What the group editor posts when nothing is changed on its permission panels (each formset left empty)."""
    page = admin_client.get(reverse("wagtailusers_groups:edit", args=[group.pk])).content.decode()
    data = {"name": group.name, "permissions": list(group.permissions.values_list("pk", flat=True))}
    for prefix in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return data


def test_a_group_given_the_admin_in_the_group_editor_names_who_did_it_and_ends_its_members_sessions(
    admin_client, admin, sam
):
    reviewers = Group.objects.create(name="Reviewers")
    reviewers.user_set.add(sam)
    before, already = _epoch(sam), len(_role_changes())
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    data = {**_group_form(admin_client, reviewers), "permissions": [access_admin.pk]}
    response = admin_client.post(reverse("wagtailusers_groups:edit", args=[reviewers.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(reviewers.permissions.all()) == [access_admin]
    [event] = _role_changes()[already:]
    assert (event.scope, event.actor) == ("Group Reviewers: permissions changed", admin)
    assert _epoch(sam) == before + 1


def test_a_role_change_outside_a_request_names_no_one(sam):
    sam.groups.add(hr_group())
    [event] = _role_changes()
    assert (event.scope, event.actor) == (f"{sam.email} added to HR", None)
