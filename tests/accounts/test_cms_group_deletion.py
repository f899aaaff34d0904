"""Deleting a group in the CMS is a superuser's, as saving one is: a group's deletion takes its permissions, and any
role it gives (the CMS's, through wagtailadmin.access_admin), from everyone in it at once. Someone given
auth.delete_group without being a superuser is refused the confirmation page and the POST alike, with a message
saying why, and the group and its members stay; someone without the permission is turned away by Wagtail. A
superuser's deletion is in the audit log, naming who deleted it and who was in it."""

from html import unescape

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from portal.audit.models import AuditEvent
from tests import factories

REFUSED = "Only an Administrator can delete a group"


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def editors(db):
    """Wagtail's Editors group (CMS access among its permissions), with someone in it."""
    group = Group.objects.get(name="Editors")
    group.user_set.add(factories.make_user(email="ed.itor@example.nhs.uk"))
    return group


def _client_for(*permissions: Permission, email: str) -> Client:
    group = Group.objects.create(name=f"Group of {email}")
    group.permissions.add(_permission("wagtailadmin", "access_admin"), *permissions)
    user = factories.with_mfa(factories.make_user(email=email))
    user.groups.add(group)
    return factories.sign_in(Client(), user)


@pytest.fixture
def deleter(db):
    """In the CMS, given the group delete permission (and the groups list's view), not a superuser."""
    return _client_for(
        _permission("auth", "delete_group"), _permission("auth", "view_group"), email="del.eter@example.nhs.uk"
    )


@pytest.fixture
def outsider(db):
    """In the CMS, with no permission on groups."""
    return _client_for(email="out.sider@example.nhs.uk")


def _members(group: Group) -> list[str]:
    return sorted(Group.objects.get(pk=group.pk).user_set.values_list("email", flat=True))


def _url(group: Group) -> str:
    return reverse("wagtailusers_groups:delete", args=[group.pk])


def test_a_superuser_is_asked_to_confirm_and_deletes_the_group(cms, editors):
    asked = cms.get(_url(editors))
    assert asked.status_code == 200 and REFUSED not in unescape(asked.content.decode())
    assert cms.post(_url(editors)).status_code == 302
    assert not Group.objects.filter(pk=editors.pk).exists()


def test_the_deletion_is_audited_naming_who_deleted_it_and_who_was_in_it(cms, editors):
    cms.post(_url(editors))
    event = AuditEvent.objects.get(action=AuditEvent.ROLE_CHANGED, scope="Group Editors: deleted")
    assert event.actor.is_superuser
    assert event.detail["members"] == ["ed.itor@example.nhs.uk"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_given_the_delete_permission_is_refused(deleter, editors, method):
    page = getattr(deleter, method)(_url(editors), follow=True)
    assert REFUSED in unescape(page.content.decode())
    assert page.redirect_chain[-1][0] == reverse("wagtailusers_groups:index")
    assert "Are you sure you want to delete this group?" not in page.content.decode()
    assert _members(editors) == ["ed.itor@example.nhs.uk"]
    assert not AuditEvent.objects.filter(scope="Group Editors: deleted").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_without_it_is_refused_by_wagtail(outsider, editors, method):
    response = getattr(outsider, method)(_url(editors))
    assert (response.status_code, response.get("Location")) == (302, "/cms/")
    assert _members(editors) == ["ed.itor@example.nhs.uk"]
