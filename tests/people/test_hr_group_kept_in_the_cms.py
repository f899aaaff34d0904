"""The HR group is kept in the Wagtail admin's group editor: the HR role is membership of the group named HR, so
renaming a group to or from that name, or deleting the HR group, gave or took the role from everyone in it at once,
round the HR roles page's rules (another officer, a reason, never the last officer). Each is refused, saying why,
and nothing changes; the HR group's permissions, and other groups, are still edited and deleted there."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal.people.roles import HR_GROUP, hr_group
from tests import factories

REFUSED = "A group cannot be renamed to or from HR, and the HR group cannot be deleted"


@pytest.fixture
def hana(db):
    user = factories.make_user(email="hana.hr@example.nhs.uk")
    user.groups.add(hr_group())
    return user


def _post_group(cms, group, **changes):
    """The group editor's form as it comes, each permission panel left empty, with `changes`."""
    url = reverse("wagtailusers_groups:edit", args=[group.pk])
    page = cms.get(url).content.decode()
    data = {"name": group.name, "permissions": list(group.permissions.values_list("pk", flat=True))}
    for prefix in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return cms.post(url, {**data, **changes}, follow=True)


def _members(name: str) -> list[str]:
    return sorted(Group.objects.get(name=name).user_set.values_list("email", flat=True))


def test_the_hr_group_is_not_renamed(cms, hana):
    page = unescape(_post_group(cms, hr_group(), name="Former HR").content.decode())
    assert REFUSED in page
    assert _members(HR_GROUP) == [hana.email] and not Group.objects.filter(name="Former HR").exists()


def test_no_group_is_renamed_hr(cms, db):
    Group.objects.filter(name=HR_GROUP).delete()  # a portal whose HR group is not made yet
    editors = Group.objects.get(name="Editors")
    editors.user_set.add(factories.make_user())
    page = unescape(_post_group(cms, editors, name="HR").content.decode())
    assert REFUSED in page
    assert Group.objects.filter(pk=editors.pk, name="Editors").exists()


def test_the_hr_group_is_not_deleted(cms, hana):
    url = reverse("wagtailusers_groups:delete", args=[hr_group().pk])
    asked = cms.get(url, follow=True)
    confirmed = cms.post(url, follow=True)
    assert REFUSED in unescape(asked.content.decode()) and REFUSED in unescape(confirmed.content.decode())
    assert _members(HR_GROUP) == [hana.email]


def test_the_hr_groups_permissions_and_other_groups_are_still_edited_there(cms, hana):
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    assert REFUSED not in unescape(_post_group(cms, hr_group(), permissions=[access_admin.pk]).content.decode())
    assert list(hr_group().permissions.all()) == [access_admin]
    reviewers = Group.objects.create(name="Reviewers")
    _post_group(cms, reviewers, name="Content reviewers")
    assert Group.objects.filter(pk=reviewers.pk, name="Content reviewers").exists()
    cms.post(reverse("wagtailusers_groups:delete", args=[reviewers.pk]))
    assert not Group.objects.filter(pk=reviewers.pk).exists()
