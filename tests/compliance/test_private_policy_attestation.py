"""A policy behind Wagtail's privacy (a password, or certain groups only, on the policy page or a page above it) is
read and attested only by someone it lets in, on the attestation door as on the page: /attest/<requirement>/ showed
the whole text of the latest version to anyone the requirement asks, and its POST recorded the attestation, while the
policy page itself kept the person out. A password given on the policy page (Wagtail keeps it in the session) lets
the person attest, as it lets them read."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from portal.compliance.models import EvidenceEntry, Requirement
from portal.compliance.projection import refresh
from tests import factories

TEXT = "Speak for yourself."  # section 6.2 of the factory's policy


@pytest.fixture
def asked_to_attest(person, policy):
    requirement = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    staff = factories.make_staff(user=person)
    refresh(staff_ids=[staff.pk])
    return requirement


def by_password(page):
    return PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="s3")


def to_group(page, group):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)
    return restriction


def to_hr(page):
    return to_group(page, Group.objects.create(name="HR"))


def read_and_attest(client, requirement):
    """The attestation page as the person gets it, then the tick sent, naming the version it showed (or none, if it
    showed none). Returns the page, the answer to the tick and whether an attestation was recorded."""
    url = reverse("attestation:attest", args=[requirement.pk])
    shown = client.get(url)
    snapshot = re.search(r'name="snapshot" value="(\d+)"', shown.content.decode())
    posted = client.post(url, {"confirm": "on", "snapshot": snapshot[1] if snapshot else ""})
    attested = EvidenceEntry.objects.filter(source=EvidenceEntry.ATTESTATION).exists()
    return shown, posted, attested


def test_a_password_protected_policy_is_not_read_or_attested_round_its_page(person_client, policy, asked_to_attest):
    by_password(policy)
    assert 'name="password"' in person_client.get(policy.url).content.decode()

    shown, posted, attested = read_and_attest(person_client, asked_to_attest)

    assert (TEXT in shown.content.decode(), attested) == (False, False)
    assert shown.status_code == 302 and shown["Location"] == policy.url  # where Wagtail asks for the password
    assert posted.status_code == 403
    refusal = posted.content.decode()
    assert "This policy is private" in refusal and "Your attestation has not been recorded." in refusal
    assert f'href="{policy.url}"' in refusal and TEXT not in refusal


@pytest.mark.parametrize("made_private", [by_password, to_hr])
def test_a_restriction_on_a_page_above_the_policy_keeps_it_too(person_client, policy, asked_to_attest, made_private):
    made_private(policy.get_parent())

    shown, posted, attested = read_and_attest(person_client, asked_to_attest)

    assert (TEXT in shown.content.decode(), attested) == (False, False)
    assert posted.status_code == 403


def test_the_password_given_on_the_policy_page_lets_the_person_attest(person_client, policy, asked_to_attest):
    restriction = by_password(policy)
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, policy.pk])
    person_client.post(url, {"password": "s3", "return_url": policy.url})
    assert TEXT in person_client.get(policy.url).content.decode()  # Wagtail let the person in

    shown, posted, attested = read_and_attest(person_client, asked_to_attest)

    assert TEXT in shown.content.decode() and posted.status_code == 302 and attested


def test_a_wrong_password_lets_nobody_attest(person_client, policy, asked_to_attest):
    restriction = by_password(policy)
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, policy.pk])
    person_client.post(url, {"password": "guess", "return_url": policy.url})

    shown, posted, attested = read_and_attest(person_client, asked_to_attest)

    assert (TEXT in shown.content.decode(), posted.status_code, attested) == (False, 403, False)


def test_a_policy_for_certain_groups_is_read_and_attested_by_their_members_only(
    person, person_client, policy, asked_to_attest
):
    nurses = Group.objects.create(name="Nurses")
    to_group(policy, nurses)

    shown, posted, attested = read_and_attest(person_client, asked_to_attest)
    assert (shown.status_code, posted.status_code, attested) == (403, 403, False)
    refusal = shown.content.decode()
    assert "open to certain groups of staff only" in refusal and TEXT not in refusal
    assert "Your attestation has not been recorded." in posted.content.decode()

    person.groups.add(nurses)
    factories.sign_in(person_client, person)  # a change of groups signs the person out everywhere
    shown, posted, attested = read_and_attest(person_client, asked_to_attest)
    assert TEXT in shown.content.decode() and posted.status_code == 302 and attested
