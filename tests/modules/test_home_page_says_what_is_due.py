"""The home page tells a signed-in person what they must do next: a policy that changed since they attested it
(when, which sections, by when to attest again), then what is overdue or due soon, with its date and a link."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import Requirement
from portal.compliance.projection import refresh
from tests import factories


@pytest.fixture
def staff(person):
    # Started in 2020: anything never done, with a 28-day new-starter window, is long overdue.
    return factories.make_staff(user=person, start_date=datetime.date(2020, 1, 6))


def home(client, user) -> str:
    factories.sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_overdue_then_due_soon_with_their_dates_and_nothing_that_is_done(client, person, staff, home_page):
    overdue = factories.make_requirement(name="Fire Safety", new_starter_days=28)
    expiring = factories.make_requirement(name="Information Governance", renewal_months=12)
    done = factories.make_requirement(name="Manual Handling", renewal_months=36)
    refresh(staff_ids=[staff.pk])
    factories.make_completion(staff, expiring, completed_at=days_ago(350))
    factories.make_completion(staff, done, completed_at=days_ago(2))
    rows = {row.requirement_id: row for row in staff.statuses.all()}

    text = home(client, person)
    assert "What you need to do" in text
    due_by, expires = rows[overdue.pk].due_on, rows[expiring.pk].due_on
    assert f"Overdue Fire Safety: due by {due_by.day} {due_by:%B %Y}. Upload your certificate" in text
    assert f"Due soon Information Governance: expires {expires.day} {expires:%B %Y}. Upload your certificate" in text
    assert text.index("Fire Safety") < text.index("Information Governance")
    assert "Manual Handling" not in text


def test_a_changed_policy_is_explained_once_not_listed_again_as_due(client, person, staff, home_page, policy):
    from tests.compliance.test_attestation import attest
    from tests.compliance.test_policy_changes_since import publish

    attestation = factories.make_requirement(name="Attest the policy", kind=Requirement.ATTEST_POLICY, page=policy)
    refresh(staff_ids=[staff.pk])
    factories.sign_in(client, person)
    attest(client, attestation.pk)
    deadline = timezone.localdate() + datetime.timedelta(days=14)  # inside the due-soon window
    publish(policy, "2.0", {"9": "Refer it at once."}, {"9": ("material", "Refer at once")}, deadline)

    text = home(client, person)
    today = timezone.localdate()
    assert (
        f"The Social Media and Digital Content Policy changed on {today.day} {today:%B %Y} (version 2.0) in section "
        f"9 Responding to the media. Attest again by {deadline.day} {deadline:%B %Y}."
    ) in text
    assert "Read what changed and attest" in text
    assert "Attest the policy" not in text  # the notice says it all: not again as "Due soon"


def test_someone_with_nothing_due_is_told_so(client, person, staff, home_page):
    done = factories.make_requirement(name="Manual Handling", renewal_months=36)
    refresh(staff_ids=[staff.pk])
    factories.make_completion(staff, done, completed_at=days_ago(2))
    assert "Nothing is overdue or due in the next 30 days." in home(client, person)


def test_someone_signed_in_without_a_staff_record_gets_the_page(client, someone_else, home_page):
    assert "What you need to do" not in home(client, someone_else)


def _world(staff, policy, size: int):
    """An attestation of the policy (never attested: no notice), and `size` requirements of each kind (courses
    overdue, modules overdue, courses due soon) with as many modules."""
    factories.make_requirement(name="Attest the policy", kind=Requirement.ATTEST_POLICY, page=policy)
    for n in range(size):
        factories.make_requirement(name=f"Course {n}")
        module = factories.make_module(policy=policy, title=f"Module {n}")
        factories.make_requirement(name=f"Module {n}", kind=Requirement.COMPLETE_MODULE, page=module)
        factories.make_completion(staff, factories.make_requirement(name=f"Renewal {n}"), completed_at=days_ago(350))
    refresh(staff_ids=[staff.pk])


# 1 session, 2 user, 3-6 Wagtail: the site, the page at "/", its ancestors and their view restrictions, 7 the staff
# record, 8 attestation rows (for the "policy changed" notices; never attested here, so their re-attestation rounds
# are not asked for), 9 certificates waiting for HR, 10 requirement rows with their requirement and page, 11 the live
# policies, 12 the module indexes, 13-16 how far the person has got in the modules among what is due (the module
# pages, their scenarios held for review with the person's scenario answers, quiz attempts and completions:
# `module_progress_by_page_for_user`). Notices waiting add two however many (the latest rounds, the versions since:
# tests/compliance/test_policy_change_notices_queries.py). The header's links ask nothing
# (portal.accounts.session_roles).
HOME_QUERIES = 16


@pytest.mark.parametrize("size", [1, 6])
def test_the_home_page_runs_a_constant_number_of_queries(
    client, person, staff, policy, home_page, size, django_assert_num_queries
):
    _world(staff, policy, size)
    factories.sign_in(client, person)
    client.get("/")  # Wagtail caches the site's root paths (for the modules' addresses) after this
    with django_assert_num_queries(HOME_QUERIES):
        text = " ".join(re.sub(r"<[^>]+>", " ", client.get("/").content.decode()).split())
    assert text.count("Overdue Course") == size and text.count("Start the module") == size
    assert text.count("Due soon Renewal") == size


def test_a_module_begun_says_continue_as_my_training_does(client, person, staff, policy, home_page):
    from modules.services import scenario_response_record

    module = factories.make_module(policy=policy, title="Talking to the media")
    factories.make_requirement(name="Talking to the media", kind=Requirement.COMPLETE_MODULE, page=module)
    refresh(staff_ids=[staff.pk])
    assert "Start the module" in home(client, person)

    scenario_response_record(user=person, page=module, block_id=module.scenario_blocks()[0].id, option_index=1)
    text = home(client, person)
    assert "Continue the module" in text and "Start the module" not in text


def test_the_way_to_my_training_is_an_action_link_set_apart_from_the_list(client, person, staff, home_page):
    """The NHS.UK action link: a block of its own with the arrow and the words in their span, not a bare link run into
    the heading below it."""
    factories.sign_in(client, person)
    html = client.get("/").content.decode()
    link = re.search(
        r'<div class="nhsuk-action-link">\s*<a class="nhsuk-action-link__link" href="([^"]+)">(.*?)</a>', html, re.S
    )
    assert link, html
    assert link.group(1) == reverse("reports:my_training")
    assert "nhsuk-icon--arrow-right-circle" in link.group(2)
    assert '<span class="nhsuk-action-link__text">See your training and what to do next</span>' in link.group(2)
