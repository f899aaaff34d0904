"""A policy past its next review date (the demo's says "Next review 21 June 2022") shows "Review overdue since ..."
to CMS editors (a panel on the dashboard, a warning on the page's edit view) and to HR (the requirements page), and
not to staff."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from portal.people.roles import hr_group
from tests import factories

OVERDUE = "Review overdue since 21 June 2022"


@pytest.fixture
def editor_client(db):
    user = factories.make_user(first_name="Eddie", last_name="Editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return factories.sign_in(Client(), factories.with_mfa(user))


def test_editors_see_it_on_the_dashboard_and_the_edit_view(editor_client, policy):
    assert OVERDUE in editor_client.get("/cms/").content.decode()
    edit = editor_client.get(reverse("wagtailadmin_pages:edit", args=[policy.pk]), follow=True)
    assert OVERDUE in edit.content.decode()


def test_a_policy_reviewed_on_time_shows_nothing(editor_client, home_page):
    policy = factories.make_policy(parent=home_page, next_review_date=datetime.date(2999, 1, 1))
    assert "Review overdue" not in editor_client.get("/cms/").content.decode()
    edit = editor_client.get(reverse("wagtailadmin_pages:edit", args=[policy.pk]))
    assert "Review overdue" not in edit.content.decode()


def test_hr_sees_it_on_the_requirements_page(policy):
    hr = factories.make_staff(first_name="Hana", last_name="HR")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    factories.make_requirement(name="Social media policy", kind="attest_policy", page=policy)

    page = factories.sign_in(Client(), hr.user).get(reverse("requirements:list")).content.decode()

    assert page.count(OVERDUE) == 1  # in the requirement's row
    assert "review overdue since 21 June 2022" in page  # and in the warning above the list


def test_staff_do_not_see_it(policy, module_page):
    staff = factories.make_staff()
    factories.make_requirement(name="Social media policy", kind="attest_policy", page=policy)
    client = factories.sign_in(Client(), staff.user)

    for url in [policy.url, module_page.url, reverse("reports:my_training"), module_page.get_parent().url]:
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert "overdue since" not in response.content.decode().lower(), url
