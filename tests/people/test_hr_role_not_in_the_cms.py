"""The HR role is given and taken away only on the HR roles page (/hr/roles/), by another HR officer and with a
reason (portal.people.hr_roles). The Wagtail admin's user editor, new-user form and users list's "Assign role" showed
the HR group as one more box: whoever may edit accounts there could give themselves the HR role, give it with no
reason to someone who has left, or take it from the last HR officer. Each refuses a change to the HR group, saying
where the role is changed, and saves nothing; the Editors group (the CMS's own role) is still given there."""

from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from portal.people.roles import HR_GROUP, hr_group
from tests import factories

REFUSED = "The HR role is given and taken away on the HR roles page (/hr/roles/)"


@pytest.fixture
def account_manager(db):
    """Not a superuser, and not HR: a CMS user whose group may add and change accounts in the CMS."""
    group = Group.objects.create(name="Account managers")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="accounts", codename="add_user"),
        Permission.objects.get(content_type__app_label="accounts", codename="change_user"),
    )
    user = factories.with_mfa(factories.make_user(email="alex.accounts@example.nhs.uk", first_name="Alex"))
    user.groups.add(group)
    return user


@pytest.fixture
def manager_client(account_manager):
    return factories.sign_in(Client(), account_manager)


@pytest.fixture
def hana(db):
    user = factories.with_mfa(factories.make_user(email="hana.hr@example.nhs.uk", first_name="Hana", last_name="HR"))
    user.groups.add(hr_group())
    return user


def _groups(user) -> list[str]:
    return sorted(get_user_model().objects.get(pk=user.pk).groups.values_list("name", flat=True))


def _edit(client, user, groups, **changes):
    data = {"email": user.email, "first_name": user.first_name, "last_name": user.last_name or "X", "is_active": "on"}
    data.update(groups=[group.pk for group in groups], **changes)
    return client.post(reverse("wagtailusers_users:edit", args=[user.pk]), data, follow=True)


def test_nobody_gives_themselves_the_hr_role_in_the_user_editor(manager_client, account_manager):
    own = list(account_manager.groups.all())
    page = unescape(_edit(manager_client, account_manager, [*own, hr_group()]).content.decode())
    assert REFUSED in page
    assert _groups(account_manager) == ["Account managers"]


def test_the_last_hr_officer_keeps_the_role_whoever_edits_their_account(cms, hana):
    page = unescape(_edit(cms, hana, [], first_name="Hannah").content.decode())
    assert REFUSED in page
    assert _groups(hana) == [HR_GROUP]
    assert get_user_model().objects.get(pk=hana.pk).first_name == "Hana"  # nothing else in the form was saved


def test_a_leaver_is_not_given_the_hr_role_by_assign_role(cms, db):
    leaver = factories.make_staff(team=factories.make_team("Ward", kind="organisation"))
    leaver.leave_date = leaver.start_date
    leaver.save()
    url = (
        reverse("wagtail_bulk_action", args=["accounts", "user", "assign_role"])
        + f"?id={leaver.user_id}&next=/cms/users/"
    )
    page = unescape(cms.post(url, {"role": hr_group().pk}, follow=True).content.decode())
    assert REFUSED in page
    assert _groups(leaver.user) == []


def test_a_new_account_is_not_made_an_hr_officer(manager_client):
    data = {"email": "new.hr@example.nhs.uk", "first_name": "Nia", "last_name": "Ward", "groups": [hr_group().pk]}
    page = unescape(manager_client.post(reverse("wagtailusers_users:add"), data, follow=True).content.decode())
    assert REFUSED in page
    assert not get_user_model().objects.filter(email="new.hr@example.nhs.uk").exists()


def test_editing_an_hr_officers_account_otherwise_and_the_editors_group_still_work(cms, hana):
    editors = Group.objects.get(name="Editors")
    assert _edit(cms, hana, [hr_group(), editors], first_name="Hannah").status_code == 200
    assert _groups(hana) == ["Editors", HR_GROUP]
    assert get_user_model().objects.get(pk=hana.pk).first_name == "Hannah"
    sam = factories.make_user()
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "assign_role"]) + f"?id={sam.pk}"
    assert cms.post(url, {"role": editors.pk}).status_code == 302
    assert _groups(sam) == ["Editors"]
