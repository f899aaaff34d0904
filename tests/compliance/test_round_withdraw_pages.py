"""HR's re-attestation rounds page and the page that withdraws one (`views_rounds`): HR with a second factor only;
a reason is required (the error summary names it, nothing changes); a withdrawn round says so and cannot be
withdrawn again; the list's queries do not grow with the rounds."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.models import EvidenceEntry, PolicySnapshot, Requirement, RoundWithdrawal
from portal.compliance.projection import refresh
from portal.compliance.services import reattestation_round_open
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories


def _deadline():
    return timezone.localdate() + datetime.timedelta(days=30)


def _policy_round(home_page, name="Attest the social media policy"):
    policy = factories.make_policy(parent=home_page)
    factories.make_requirement(name=name, kind=Requirement.ATTEST_POLICY, page=policy)
    return reattestation_round_open(
        snapshot=factories.make_snapshot(policy, "2"), deadline=_deadline(), reason="Section 1: a new rule"
    )[0]


@pytest.fixture
def round_(home_page):
    return _policy_round(home_page)


@pytest.fixture
def asked_again(round_):
    """Someone who attested version 1 and is asked again by the round."""
    staff = factories.make_staff(team=factories.make_team("Ward A"), start_date=datetime.date(2015, 4, 1))
    first = PolicySnapshot.objects.filter(page_id=round_.snapshot.page_id).exclude(pk=round_.snapshot_id).get()
    factories.make_completion(
        staff,
        round_.requirement,
        source=EvidenceEntry.ATTESTATION,
        snapshot=first,
        completed_at=timezone.now() - datetime.timedelta(days=60),
    )
    refresh(requirement_ids=[round_.requirement_id])
    return staff


@pytest.fixture
def hr(db):
    user = factories.make_user(first_name="Hana", last_name="Officer")
    user.groups.add(hr_group())
    return factories.with_mfa(user)


def _url(round_):
    return reverse("requirements:round_withdraw", args=[round_.pk])


def test_hr_sees_the_rounds_and_withdraws_one_with_a_reason(client, hr, round_, asked_again):
    factories.sign_in(client, hr)
    listing = client.get(reverse("requirements:rounds"))
    assert listing.status_code == 200
    assert round_.requirement.name in listing.text and _url(round_) in listing.text
    form = client.get(_url(round_))
    assert form.status_code == 200
    assert "csrfmiddlewaretoken" in form.text and 'name="reason"' in form.text
    assert asked_again.statuses.get(requirement=round_.requirement).renew_from is not None

    reason = "Section 1 was a wording fix, marked material by mistake"
    response = client.post(_url(round_), {"reason": reason})

    assert response.status_code == 302 and response["Location"] == reverse("requirements:rounds")
    withdrawal = RoundWithdrawal.objects.get(round=round_)
    assert (withdrawal.withdrawn_by, withdrawal.reason) == (hr, reason)
    assert asked_again.statuses.get(requirement=round_.requirement).renew_from is None
    event = AuditEvent.objects.get(action=AuditEvent.ROUND_WITHDRAWN)
    assert event.actor == hr and event.detail["ip"] == "127.0.0.1"
    listing = client.get(reverse("requirements:rounds"))
    assert "is withdrawn. It asks nothing of anyone" in listing.text
    assert "Withdrawn</strong>" in listing.text and "marked material by mistake" in listing.text
    assert _url(round_) not in listing.text


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give the reason for withdrawing the round"),
        ("x" * 1001, "The reason must be 1000 characters or fewer"),
        ("Wrong\u202edate", "The reason contains"),
    ],
)
def test_a_bad_reason_is_named_in_the_error_summary_and_nothing_changes(client, hr, round_, reason, message):
    factories.sign_in(client, hr)

    response = client.post(_url(round_), {"reason": reason})

    assert response.status_code == 400
    assert "There is a problem" in response.text and message in response.text
    assert response.text.count(message) == 2  # in the summary and beside the field
    assert not RoundWithdrawal.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.ROUND_WITHDRAWN).exists()


def test_a_withdrawn_round_says_so_and_a_second_withdrawal_records_nothing(client, hr, round_):
    factories.sign_in(client, hr)
    client.post(_url(round_), {"reason": "Marked material by mistake"})

    page = client.get(_url(round_))
    assert page.status_code == 200
    assert "This round was withdrawn on" in page.text and "cannot be withdrawn again" in page.text
    assert 'name="reason"' not in page.text and "Withdraw this round" not in page.text

    again = client.post(_url(round_), {"reason": "A second click"}, follow=True)
    assert "This round was already withdrawn. Nothing more was recorded." in again.text
    assert RoundWithdrawal.objects.get().reason == "Marked material by mistake"
    assert AuditEvent.objects.filter(action=AuditEvent.ROUND_WITHDRAWN).count() == 1


@pytest.mark.parametrize("who", ["staff", "manager", "hr_without_mfa", "anonymous"])
def test_nobody_but_hr_with_a_second_factor_can_withdraw(client, round_, asked_again, who):
    if who == "staff":
        factories.sign_in(client, asked_again.user)
    elif who == "manager":
        manager = factories.make_staff()
        TeamManager.objects.create(staff=manager, team=asked_again.team)
        factories.sign_in(client, manager.user)
    elif who == "hr_without_mfa":
        user = factories.make_user()
        user.groups.add(hr_group())
        factories.sign_in(client, factories.with_mfa(user), second_factor=False)

    for url in (reverse("requirements:rounds"), _url(round_)):
        assert client.get(url).status_code in (302, 403)
    response = client.post(_url(round_), {"reason": "Not mine to withdraw"})

    assert response.status_code in (302, 403)
    if response.status_code == 302:  # to sign in, or to give the second factor: never to the rounds page
        assert response["Location"].startswith(("/accounts/login/", "/accounts/2fa/reauthenticate/"))
    assert not RoundWithdrawal.objects.exists()
    assert asked_again.statuses.get(requirement=round_.requirement).renew_from is not None


def test_the_form_needs_its_csrf_token(hr, round_):
    client = Client(enforce_csrf_checks=True)
    factories.sign_in(client, hr)

    assert client.post(_url(round_), {"reason": "Marked material by mistake"}).status_code == 403
    assert not RoundWithdrawal.objects.exists()


def test_the_list_runs_the_same_queries_whatever_the_number_of_rounds(client, hr, home_page, round_):
    factories.sign_in(client, hr)
    url = reverse("requirements:rounds")
    client.get(url)  # the session's once-a-minute check, out of the way

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    withdrawn = _policy_round(home_page, name="Attest the records policy")
    client.post(_url(withdrawn), {"reason": "Marked material by mistake"})
    _policy_round(home_page, name="Attest the privacy policy")
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)

    assert response.text.count("Withdraw<span") == 2
    # The session and the user, the HR check, and the rounds with their requirement, version, who opened and who
    # withdrew them (one query, joined).
    assert len(three.captured_queries) == len(one.captured_queries)
