"""The audit log records the address of the person's machine, read through the trusted proxy, not the proxy's own."""

import pytest
from django.test import Client

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record, client_address
from tests import factories

PROXY, CLIENT = "10.0.0.5", "203.0.113.9"


@pytest.fixture
def behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


@pytest.mark.parametrize(
    ("forwarded_for", "expected"),
    [
        (CLIENT, CLIENT),
        (f"198.51.100.7, {CLIENT}", CLIENT),  # the leftmost entry is whatever the client wrote: not trusted
        (None, PROXY),  # not through the proxy at all
        ("", PROXY),
    ],
)
def test_the_client_is_read_through_the_trusted_proxy(rf, behind_one_proxy, forwarded_for, expected):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    request = rf.get("/", REMOTE_ADDR=PROXY, **headers)
    assert client_address(request) == expected


def test_with_no_proxy_trusted_the_header_is_ignored(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_address(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)) == PROXY


def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_connecting_address(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert client_address(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)) == PROXY


def test_no_request_no_address():
    assert client_address(None) == ""


def test_an_event_recorded_with_its_request_carries_the_client(rf, person, behind_one_proxy):
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    event = audit_record(actor=person, action=AuditEvent.EXPORT, scope="Ward 3", request=request)
    assert event.detail["ip"] == CLIENT


def test_signing_in_and_failing_to_record_the_client_behind_the_proxy(db, behind_one_proxy):
    factories.make_user(email="ruth@example.nhs.uk")
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    client.post("/accounts/login/", {"login": "ruth@example.nhs.uk", "password": "wrong"})
    client.post("/accounts/login/", {"login": "ruth@example.nhs.uk", "password": factories.PASSWORD})
    client.post("/accounts/logout/")
    addresses = dict(AuditEvent.objects.values_list("action", "detail__ip"))
    assert addresses == {
        AuditEvent.SIGN_IN_FAILED: CLIENT,
        AuditEvent.SIGN_IN: CLIENT,
        AuditEvent.SIGN_OUT: CLIENT,
    }


def test_views_of_others_records_and_refusals_record_the_client_behind_the_proxy(db, behind_one_proxy):
    """Every audit line written in a request carries the client's address: here a refusal and an HR export."""
    from portal.people.roles import hr_group

    team = factories.make_team("Ward 1", kind="organisation")
    hr = factories.make_staff(team=team).user
    hr.groups.add(hr_group())
    factories.with_mfa(hr)
    staff = factories.make_staff(team=team).user
    for user, path in ((staff, "/hr/reports/"), (hr, "/exports/compliance.csv")):
        client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
        factories.sign_in(client, user)
        client.get(path)
    events = AuditEvent.objects.filter(action__in=[AuditEvent.REFUSED, AuditEvent.EXPORT])
    assert sorted(event.action for event in events) == [AuditEvent.EXPORT, AuditEvent.REFUSED]
    assert {event.detail["ip"] for event in events} == {CLIENT}
