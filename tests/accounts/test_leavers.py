"""Someone whose leave date has passed cannot sign in or stay signed in, whether or not a roster has closed their
account since: their leave date is their last day of service, and the day after it they are out."""

import datetime

import pytest
from allauth.account.authentication import get_authentication_records
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from portal.audit.models import AuditEvent
from portal.people.models import StaffMember, TeamManager
from portal.people.roles import hr_group
from tests import factories

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
LEFT = "our records show that you have left the organisation"
PAGE = "/training/"


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def manager(db):
    team = factories.make_team("Ward 7", kind="organisation")
    staff = factories.make_staff(user=factories.make_user(email="mo.manager@example.nhs.uk"), team=team)
    TeamManager.objects.create(staff=staff, team=team)
    return staff


@pytest.fixture
def hr_officer(db):
    user = factories.with_mfa(factories.make_user(email="hana.hr@example.nhs.uk"), SECRET)
    user.groups.add(hr_group())
    return factories.make_staff(user=user)


def _left(staff, days_ago: int = 1) -> None:
    """Their leave date, as the roster recorded it; no roster applied since, so the account is still open."""
    StaffMember.objects.filter(pk=staff.pk).update(leave_date=_days(-days_ago))


def _sign_in_failures(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.SIGN_IN_FAILED, scope=user.email))


def test_a_leaver_cannot_sign_in_with_a_password(client, manager):
    _left(manager, days_ago=3)
    response = client.post(
        "/accounts/login/?next=/exports/compliance.csv",
        {"login": manager.user.email, "password": factories.PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/inactive/"
    assert "_auth_user_id" not in client.session
    assert LEFT in client.get(response["Location"]).content.decode()  # the closed account's own page
    assert client.get("/exports/compliance.csv")["Location"].startswith("/accounts/login/")
    [refusal] = _sign_in_failures(manager.user)
    assert refusal.actor == manager.user and refusal.detail["reason"] == "has left the organisation"
    assert refusal.detail["method"] == "password"
    assert not AuditEvent.objects.filter(action=AuditEvent.SIGN_IN).exists()


def test_a_wrong_password_for_a_leaver_says_only_that_the_password_is_wrong(client, manager):
    _left(manager)
    response = client.post("/accounts/login/", {"login": manager.user.email, "password": "not the password"})
    assert response.status_code == 200 and LEFT not in response.content.decode()


def test_a_leaver_with_an_authenticator_is_refused_before_the_code(client, hr_officer):
    _left(hr_officer)
    response = client.post("/accounts/login/", {"login": hr_officer.user.email, "password": factories.PASSWORD})
    assert response["Location"] == "/accounts/inactive/"
    code = client.post("/accounts/2fa/authenticate/", {"code": factories.totp_code(SECRET)})
    assert "_auth_user_id" not in client.session and code.status_code in (200, 302)
    assert client.get("/hr/reports/")["Location"].startswith("/accounts/login/")
    assert len(_sign_in_failures(hr_officer.user)) == 1


@pytest.mark.parametrize("leave_in_days", [None, 0, 1])
def test_someone_in_post_signs_in_as_before(client, manager, leave_in_days):
    """The leave date is the last day of service: on it, the person is still in post."""
    StaffMember.objects.filter(pk=manager.pk).update(leave_date=None if leave_in_days is None else _days(leave_in_days))
    response = client.post("/accounts/login/", {"login": manager.user.email, "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(manager.user.pk)
    assert client.get(PAGE).status_code == 200
    assert not _sign_in_failures(manager.user)


def test_someone_in_post_with_an_authenticator_signs_in_as_before(client, hr_officer):
    StaffMember.objects.filter(pk=hr_officer.pk).update(leave_date=_days(0))
    client.post("/accounts/login/", {"login": hr_officer.user.email, "password": factories.PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": factories.totp_code(SECRET)})
    assert client.session["_auth_user_id"] == str(hr_officer.user.pk)
    assert client.get("/hr/reports/").status_code == 200


def test_re_authentication_with_a_password_is_refused_to_a_leaver(manager):
    client = factories.sign_in(Client(), manager.user)
    assert client.get(PAGE).status_code == 200
    _left(manager)  # recorded moments ago: the session's next look at the database is not due yet
    response = client.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})
    assert response.status_code == 200 and LEFT in response.content.decode()
    assert not [r for r in get_authentication_records(_request(client), manager.user) if r.get("reauthenticated")]
    assert [e.detail["method"] for e in _sign_in_failures(manager.user)] == ["re-authentication"]
    after = client.get(PAGE)  # and the session ends at once, not at its next look at the database
    assert after["Location"].startswith("/accounts/login/") and "_auth_user_id" not in client.session
    assert LEFT in client.get(after["Location"]).content.decode()


def test_re_authentication_with_a_code_is_refused_to_a_leaver(hr_officer):
    client = factories.sign_in(Client(), hr_officer.user)
    assert client.get("/hr/reports/").status_code == 200
    _left(hr_officer)
    response = client.post("/accounts/2fa/reauthenticate/", {"code": factories.totp_code(SECRET)})
    assert response.status_code == 200 and LEFT in response.content.decode()
    assert [e.detail["method"] for e in _sign_in_failures(hr_officer.user)] == ["re-authentication"]
    assert client.get("/hr/reports/")["Location"].startswith("/accounts/login/")


def test_re_authentication_in_post_works_as_before(manager):
    client = factories.sign_in(Client(), manager.user)
    StaffMember.objects.filter(pk=manager.pk).update(leave_date=_days(0))
    response = client.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})
    assert response.status_code == 302
    assert [r for r in get_authentication_records(_request(client), manager.user) if r.get("reauthenticated")]


def test_a_session_that_began_after_the_leave_date_ends_at_its_first_request(manager):
    """However the session was started (a side door, a session made before this check), its first request looks."""
    _left(manager)
    client = factories.sign_in(Client(), manager.user)  # force_login: no sign-in form asked
    response = client.get(PAGE)
    assert response["Location"].startswith("/accounts/login/") and "_auth_user_id" not in client.session
    assert "you have left the organisation" in client.get(response["Location"]).content.decode()


def test_a_session_ends_at_the_first_request_after_the_last_day_of_service(manager):
    with freeze_time("2026-03-10 23:59:30", tz_offset=0) as clock:  # London is on GMT in March until the 29th
        StaffMember.objects.filter(pk=manager.pk).update(leave_date=datetime.date(2026, 3, 10))
        client = Client()
        client.post("/accounts/login/", {"login": manager.user.email, "password": factories.PASSWORD})
        assert client.get(PAGE).status_code == 200  # their last day
        clock.tick(datetime.timedelta(seconds=40))  # past midnight, well within the once-a-minute check
        response = client.get(PAGE)
        assert response["Location"].startswith("/accounts/login/") and "_auth_user_id" not in client.session


def _request(client):
    """An object with the client's session, as allauth's helpers read it."""

    class Request:
        session = client.session

    return Request()
