"""An HR officer whose session has not proved its second factor, asked to attest a policy kept for the HR group, is
refused (their role counts only once the code is entered: tests/accounts/test_doors_group_privacy_second_factor.py).
The attestation told them "This policy is open to certain groups of staff only, and you are not in them": untrue, and
no way on. Now, opened, it sends them to the policy page, which asks for the code (as a page password not yet given
is handled); posted, it says their role counts once they have entered the code, and links to the policy."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from portal.compliance.models import EvidenceEntry, Requirement
from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories

NOT_IN_THEM = "you are not in them"
ROLE_COUNTS = "Your role counts for it once you have entered the code from your authenticator app"


def to_group(page, group):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)


@pytest.fixture
def officer(db):
    officer = factories.with_mfa(factories.make_user(email="olive.officer@example.nhs.uk"))
    officer.groups.add(hr_group())
    refresh(staff_ids=[factories.make_staff(user=officer).pk])
    return officer


@pytest.fixture
def attest_url(officer, policy):
    requirement = factories.make_requirement(name="HR policy", kind=Requirement.ATTEST_POLICY, page=policy)
    refresh(staff_ids=[officer.staff.pk])
    factories.make_snapshot(policy)
    return reverse("attestation:attest", args=[requirement.pk])


def unproven(user):
    return factories.sign_in(Client(), user, second_factor=False)


def test_opened_it_sends_them_to_the_policy_page_which_asks_for_the_code(officer, policy, attest_url):
    to_group(policy, hr_group())
    client = unproven(officer)

    response = client.get(attest_url)

    assert response.status_code == 302 and response["Location"] == policy.url
    assert client.get(policy.url)["Location"].startswith("/accounts/2fa/reauthenticate/?next=")


def test_posted_it_says_their_role_counts_once_the_code_is_entered(officer, policy, attest_url):
    to_group(policy, hr_group())

    response = unproven(officer).post(attest_url, {"confirm": "on"})

    shown = re.sub(r"\s+", " ", response.content.decode())
    assert response.status_code == 403
    assert ROLE_COUNTS in shown and NOT_IN_THEM not in shown
    assert f'<a href="{policy.url}">open the policy</a>' in shown
    assert "Your attestation has not been recorded." in shown
    assert not EvidenceEntry.objects.filter(source=EvidenceEntry.ATTESTATION).exists()


def test_a_group_they_are_not_in_is_still_told_as_before(officer, policy, attest_url):
    to_group(policy, Group.objects.create(name="Nurses"))
    client = unproven(officer)

    assert client.get(attest_url).status_code == 403
    shown = re.sub(r"\s+", " ", client.post(attest_url, {"confirm": "on"}).content.decode())
    assert NOT_IN_THEM in shown and ROLE_COUNTS not in shown


def test_once_the_code_is_entered_the_attestation_opens(officer, policy, attest_url):
    to_group(policy, hr_group())

    response = factories.sign_in(Client(), officer).get(attest_url)

    assert response.status_code == 200 and 'name="confirm"' in response.content.decode()
