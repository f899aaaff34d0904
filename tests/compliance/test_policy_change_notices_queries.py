"""The notices of policies changed since a person attested them (on the home page and My training) cost the same
few queries however many are waiting: the person's attestation rows, the latest round of each, the versions since.
Before, each notice waiting cost two more (its policy's latest version, and the versions since the person attested)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import PolicySnapshot, Requirement
from portal.compliance.policy_versions import policy_change_notices_for_staff
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record
from tests import factories
from tests.compliance.test_policy_changes_since import publish


def _deadline():
    return timezone.localdate() + datetime.timedelta(days=14)


@pytest.fixture
def staff(person):
    return factories.make_staff(user=person, start_date=datetime.date(2020, 1, 6))


def _waiting(staff, home_page, count: int) -> list[str]:
    """`count` policies the person attested (version 1.0), each changed materially since (2.0), with a round open;
    their titles. And one they never attested, which waits for nothing."""
    titles = [f"Policy {n}" for n in range(count)]
    policies = [factories.make_policy(parent=home_page, title=title) for title in titles]
    never = factories.make_policy(parent=home_page, title="Never attested")
    for policy in [*policies, never]:
        factories.make_requirement(name=f"Attest {policy.title}", kind=Requirement.ATTEST_POLICY, page=policy)
    refresh(staff_ids=[staff.pk])
    for policy in policies:
        attestation_record(staff=staff, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=staff.user)
    for policy in [*policies, never]:
        publish(policy, "2.0", {"9": "Refer it at once."}, {"9": ("material", "Refer at once")}, _deadline())
    return titles


@pytest.mark.parametrize("count", [1, 3])
def test_the_notices_cost_three_queries_however_many(staff, home_page, count, django_assert_num_queries):
    titles = _waiting(staff, home_page, count)
    # 1 the person's attestation rows, with their requirement and the version attested, 2 the latest round in force
    # of each requirement, 3 the versions of each policy published since the version the person attested.
    with django_assert_num_queries(3):
        notices = policy_change_notices_for_staff(staff)
    assert sorted(notice.title for notice in notices) == titles
    assert {notice.version_label for notice in notices} == {"2.0"}
    assert {notice.section_list for notice in notices} == {"9 Responding to the media"}
    assert {notice.deadline for notice in notices} == {_deadline()}


@pytest.mark.parametrize("count", [1, 3])
def test_the_home_page_costs_the_same_however_many_notices(
    client, person, staff, home_page, count, django_assert_num_queries
):
    titles = _waiting(staff, home_page, count)
    factories.sign_in(client, person)
    client.get("/")  # Wagtail caches the site's root paths after this
    # 1 session, 2 user, 3-6 Wagtail: the site, the page at "/", its ancestors and their view restrictions, 7 the
    # staff record, 8 attestation rows, 9 their latest rounds, 10 the versions since (the notices), 11 certificates
    # waiting for HR, 12 requirement rows, 13 the live policies, 14 the module indexes (as HOME_QUERIES in
    # tests/modules/test_home_page_says_what_is_due.py, with no module due).
    with django_assert_num_queries(14):
        text = " ".join(re.sub(r"<[^>]+>", " ", client.get("/").content.decode()).split())
    assert all(f"The {title} changed on" in text for title in titles), text


@pytest.mark.parametrize("count", [1, 3])
def test_my_training_costs_the_same_however_many_notices(
    client, person, staff, home_page, count, django_assert_num_queries
):
    titles = _waiting(staff, home_page, count)
    factories.sign_in(client, person)
    # 1 session, 2 user, 3 staff record, 4 requirement rows, 5 their certificates' states, 6 history, 7 attestation
    # rows, 8 their latest rounds, 9 the versions since (the notices), 10 the published module index (the link to
    # the list of modules, cf3c694); no module required.
    with django_assert_num_queries(10):
        text = client.get(reverse("reports:my_training")).content.decode()
    assert all(title in text for title in titles)
