"""A client does not outlive the HR officer given its token: once they no longer sign in or leave HR, every call is
refused (and audited) until HR rotates the token or revokes the client, and HR's pages say which clients need it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from portal.api.clients import api_client_create, client_for_token
from portal.api.models import ApiClient
from portal.audit.models import AuditEvent
from portal.compliance.models import EvidenceEntry
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories

from .conftest import completion, rotated_by

REFUSED = "token_holder_not_hr"
# HR's list of clients: the session, the user, their HR group; the clients with their teams, makers and token holders
# (and whether each holder is in HR) in one; the team choices of the form to make one, counted and listed.
QUERIES = 6


def _leave_hr(user):
    user.groups.remove(hr_group())


def _close_account(user):
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)


def _leave_organisation(user):
    """Their leave date passed and no roster has closed their account yet: they can no longer sign in."""
    StaffMember.objects.filter(user=user).update(leave_date=timezone.localdate() - datetime.timedelta(days=1))


LAPSES = pytest.mark.parametrize(
    "lapse",
    [_leave_hr, _close_account, _leave_organisation],
    ids=["left HR", "account closed", "left the organisation"],
)


@LAPSES
def test_a_client_whose_maker_left_hr_is_refused_for_reads_and_writes(api, org, lapse):
    lapse(org["people"]["hr"].user)  # Hana made every client in `org`, and was given each token
    fay = org["people"]["fay"]
    read = api("get", f"/api/v1/people/{fay.employee_number}/standing", "standing")
    write = api("post", "/api/v1/completions", "completions", {"completions": [completion(fay)]}, key="k")
    for response in (read, write):
        assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == REFUSED and "rotate the token" in response.json()["detail"]
    assert not EvidenceEntry.objects.exists()
    refusals = AuditEvent.objects.filter(action=AuditEvent.REFUSED, detail__why="token holder no longer in HR")
    assert refusals.count() == 2


@LAPSES
def test_the_last_rotator_leaving_hr_stops_the_client_and_a_rotation_by_hr_restores_it(api, org, ola, lapse):
    path = f"/api/v1/people/{org['people']['fay'].employee_number}/standing"
    ola_token = rotated_by(org, ola, "finance")
    assert api("get", path, token=ola_token).status_code == 200
    lapse(ola.user)
    assert api("get", path, token=ola_token).json()["code"] == REFUSED
    hana_token = rotated_by(org, org["people"]["hr"], "finance")
    assert api("get", path, token=hana_token).status_code == 200


def test_a_makers_leaving_no_longer_counts_once_the_token_was_rotated_away_from_them(api, org, ola):
    """The maker's token stopped working at the rotation: the client answers to whoever holds the new one."""
    token = rotated_by(org, ola, "finance")
    _leave_hr(org["people"]["hr"].user)
    assert api("get", f"/api/v1/people/{org['people']['fay'].employee_number}/standing", token=token).status_code == 200


def test_a_superuser_outside_the_hr_group_counts_as_hr_and_a_client_no_one_was_given_answers_to_no_role(api, org):
    admin = get_user_model().objects.create_superuser(email="break.glass@example.nhs.uk", password="x" * 20)
    path = "/api/v1/organisation/figures"
    for user in (admin, None):  # None: made by a command, as the benchmark makes its client
        _, token = api_client_create(name=f"By {user}", scopes=[ApiClient.READ_STANDING], team=None, user=user)
        assert api("get", path, token=token).status_code == 200


@LAPSES
def test_the_holder_is_read_with_the_client_in_one_query(org, django_assert_num_queries, lapse):
    lapse(org["people"]["hr"].user)
    with django_assert_num_queries(1):  # the client, its team and its holder, their HR membership and leave date
        client = client_for_token(org["tokens"]["standing"])
        assert client.holder_lapsed and client.team is None


def test_hrs_pages_name_the_clients_the_api_refuses(org, ola):
    rotated_by(org, ola, "finance")
    _close_account(ola.user)
    browser = factories.sign_in(Client(), org["people"]["hr"].user)
    listing = browser.get("/hr/api-clients/").content.decode()
    callout = listing.split('data-testid="lapsed"')[1].split("</div>")[0]
    assert "1 client is refused" in callout and "Finance system" in callout and ola.user.display_name in callout
    assert listing.count("Refused: rotate or revoke") == 1
    detail = browser.get(f"/hr/api-clients/{org['clients']['finance'].pk}/").content.decode()
    assert 'data-testid="lapsed"' in detail and ola.user.display_name in detail
    other = browser.get(f"/hr/api-clients/{org['clients']['standing'].pk}/").content.decode()
    assert 'data-testid="lapsed"' not in other


def test_the_clients_page_runs_the_same_queries_however_many_clients_there_are(org, django_assert_num_queries):
    browser = factories.sign_in(Client(), org["people"]["hr"].user)
    browser.get("/hr/api-clients/")
    with django_assert_num_queries(QUERIES):
        assert browser.get("/hr/api-clients/").status_code == 200
    for n in range(5):  # each given to another HR officer, two of whom have since left
        officer = factories.make_user()
        officer.groups.add(hr_group())
        api_client_create(name=f"More {n}", scopes=[ApiClient.READ_STANDING], team=None, user=officer)
        if n % 2:
            _leave_hr(officer)
    with django_assert_num_queries(QUERIES):
        listing = browser.get("/hr/api-clients/")
    assert listing.status_code == 200 and all(f"More {n}" in listing.content.decode() for n in range(5))
