"""The Wagtail admin's pages for accounts and groups are not for CMS editors, nor for HR: an editor (the Editors group,
second factor proved) is turned away from every one of them, reading or posting, and a post changes nothing; an HR
officer who is not an editor is refused the admin altogether. Only superusers (or a group given the account
permissions on purpose) manage accounts there."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from portal.people.roles import hr_group
from tests import factories


@pytest.fixture
def editor(db):
    user = factories.with_mfa(factories.make_user(email="chloe.editor@example.nhs.uk", first_name="Chloe"))
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def _pages(editor) -> list[str]:
    editors = Group.objects.get(name="Editors")
    bulk = reverse("wagtail_bulk_action", args=["accounts", "user", "assign_role"])
    return [
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_users:edit", args=[editor.pk]),
        reverse("wagtailusers_users:delete", args=[editor.pk]),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailusers_groups:add"),
        reverse("wagtailusers_groups:edit", args=[editors.pk]),
        reverse("wagtailusers_groups:delete", args=[editors.pk]),
        f"{bulk}?id={editor.pk}",
    ]


def test_an_editor_is_turned_away_from_every_account_and_group_page(editor):
    client = factories.sign_in(Client(), editor)
    assert client.get("/cms/").status_code == 200  # the editor's own part of the admin opens
    for url in _pages(editor):
        response = client.get(url)
        assert (response.status_code, response.get("Location")) == (302, "/cms/"), url


def test_an_editors_posts_there_change_nothing(editor):
    client = factories.sign_in(Client(), editor)
    posted = {"email": editor.email, "first_name": "Chloe", "last_name": "X", "is_active": "on", "is_superuser": "on"}
    posted.update(groups=[hr_group().pk], name="HR", role=hr_group().pk)
    for url in _pages(editor):
        assert client.post(url, posted).status_code == 302, url
    account = get_user_model().objects.get(pk=editor.pk)
    assert not account.is_superuser and list(account.groups.values_list("name", flat=True)) == ["Editors"]
    assert Group.objects.filter(name="Editors").exists() and hr_group().user_set.count() == 0


def test_hr_who_is_not_an_editor_is_refused_the_admin(db):
    hana = factories.with_mfa(factories.make_user(email="hana.hr@example.nhs.uk"))
    hana.groups.add(hr_group())
    client = factories.sign_in(Client(), hana)
    assert client.get(reverse("wagtailusers_users:index")).status_code == 403
    assert client.get(reverse("wagtailusers_groups:index")).status_code == 403
