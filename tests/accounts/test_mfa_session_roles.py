"""The second-factor check reads the roles and the authenticator the session keeps (`session_roles`): it asks the
database nothing on a request. It stays as strict as when it read the database: a session without the flags reads
them afresh; a role granted or an authenticator removed ends the session, so the next one reads them again; a
privileged person without an authenticator app is still sent to set one up, on the portal and the Wagtail admin."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test import Client, RequestFactory

from portal.accounts import session_roles
from portal.accounts.mfa import PrivilegedRolesNeedMfaMiddleware
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SET_UP, ENTER_CODE = "/accounts/2fa/totp/activate/?next=", "/accounts/2fa/reauthenticate/?next="


@pytest.fixture
def hr(db):
    user = factories.make_user(email="hana.hr@example.nhs.uk")
    user.groups.add(hr_group())
    return user


def _through_the_middleware(signed_in, path):
    """`path` asked of the second-factor middleware alone, for a session and its person read already (`_read`, as
    SessionMiddleware and AuthenticationMiddleware have by then): (its answer, or None if it let the request
    through; and what `privileges_proven` said there)."""
    request = RequestFactory().get(path)
    request.session, request.user = signed_in
    proven = []

    def view(request):
        proven.append(request.user.privileges_proven())
        return HttpResponse()

    response = PrivilegedRolesNeedMfaMiddleware(view)(request)
    return (None if proven else response), (proven[0] if proven else None)


def _read(client):
    """(session, person) of a signed-in client, read from the database now, not within what is counted."""
    session = client.session
    return session, get_user_model().objects.get(pk=session["_auth_user_id"])


def _signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["hr", "editor", "manager", "staff"])
def test_the_check_asks_the_database_nothing(hr, who, django_assert_num_queries):
    if who == "editor":
        hr.groups.set([Group.objects.get(name="Editors")])
    if who == "manager":
        hr.groups.clear()
        staff = factories.make_staff(user=hr, team=factories.make_team("Ward", kind="organisation"))
        TeamManager.objects.create(staff=staff, team=staff.team)
    if who == "staff":
        hr.groups.clear()
    signed_in = _read(factories.sign_in(Client(), factories.with_mfa(hr, SECRET)))
    with django_assert_num_queries(0):
        refused, proven = _through_the_middleware(signed_in, "/cms/" if who == "editor" else "/team/")
    assert refused is None and proven is True


def test_a_session_from_before_the_flags_reads_them_once(hr, django_assert_num_queries):
    signed_in = _read(factories.sign_in(Client(), factories.with_mfa(hr, SECRET)))
    session = signed_in[0]
    del session[session_roles.KEY]
    with django_assert_num_queries(1):  # their roles and authenticator, in one query
        assert _through_the_middleware(signed_in, "/hr/reports/") == (None, True)
    assert session[session_roles.KEY]["hr"] and session[session_roles.KEY]["mfa"]  # kept for the next request
    with django_assert_num_queries(0):
        assert _through_the_middleware(signed_in, "/hr/reports/") == (None, True)


def test_a_session_from_before_the_flags_without_a_code_is_still_sent_to_enter_one(hr):
    client = factories.sign_in(Client(), factories.with_mfa(hr, SECRET), second_factor=False)
    session = client.session
    del session[session_roles.KEY]
    session.save()
    assert client.get("/hr/reports/")["Location"].startswith(ENTER_CODE)


@pytest.mark.parametrize("path", ["/hr/reports/", "/team/", "/cms/"])
def test_hr_without_a_second_factor_is_sent_to_set_one_up(client, hr, path):
    factories.sign_in(client, hr)
    assert client.get(path)["Location"].startswith(SET_UP)


def test_an_editor_without_a_second_factor_is_sent_to_set_one_up_at_the_admin(client, hr):
    hr.groups.set([Group.objects.get(name="Editors")])
    factories.sign_in(client, hr)
    assert client.get("/cms/pages/")["Location"].startswith(SET_UP)


def test_a_role_granted_mid_session_asks_for_the_second_factor_once_the_session_has_ended(client, db):
    person = factories.make_user()
    factories.sign_in(client, person)
    assert client.get("/hr/reports/").status_code == 403  # plain staff
    person.groups.add(hr_group())
    assert _signed_out(client.get("/hr/reports/"))  # the epoch ended the session, its flags with it
    factories.sign_in(client, person)
    assert client.get("/hr/reports/")["Location"].startswith(SET_UP)
    assert client.get("/cms/")["Location"].startswith(SET_UP)

    factories.with_mfa(person, SECRET)
    person.groups.add(Group.objects.get(name="Editors"))  # another role: the session ends again
    assert _signed_out(client.get("/hr/reports/"))
    factories.sign_in(client, person, second_factor=False)
    assert client.get("/cms/")["Location"].startswith(ENTER_CODE)
    client.post("/accounts/2fa/reauthenticate/", {"code": factories.totp_code(SECRET)})
    assert client.get("/hr/reports/").status_code == 200
    assert client.get("/cms/").status_code == 200


def test_an_authenticator_removed_elsewhere_ends_the_session_that_proved_it(hr):
    here = factories.sign_in(Client(), factories.with_mfa(hr, SECRET))
    assert here.get("/hr/reports/").status_code == 200
    elsewhere = factories.sign_in(Client(), hr)
    elsewhere.post("/accounts/2fa/reauthenticate/", {"code": factories.totp_code(SECRET)})
    elsewhere.post("/accounts/2fa/totp/deactivate/")
    assert not Authenticator.objects.filter(user=hr, type=Authenticator.Type.TOTP).exists()
    # The session that removed it goes on, as staff: HR's pages ask for a new authenticator.
    assert elsewhere.get("/hr/reports/")["Location"].startswith(SET_UP)
    # This one kept in its flags that there was one: it ends, and signing in again finds none.
    assert _signed_out(here.get("/hr/reports/"))
    factories.sign_in(here, hr)
    assert here.get("/hr/reports/")["Location"].startswith(SET_UP)


def test_an_authenticator_deleted_any_other_way_ends_the_sessions_too(hr):
    client = factories.sign_in(Client(), factories.with_mfa(hr, SECRET))
    assert client.get("/hr/reports/").status_code == 200
    Authenticator.objects.filter(user=hr).delete()  # a shell, the Django admin
    assert _signed_out(client.get("/hr/reports/"))


def test_an_authenticator_set_up_elsewhere_counts_once_its_code_is_entered_here(client, hr):
    factories.sign_in(client, hr)
    assert client.get("/hr/reports/")["Location"].startswith(SET_UP)
    factories.with_mfa(hr, SECRET)  # on another device: the flags here still say there is none
    assert client.get("/hr/reports/")["Location"].startswith(ENTER_CODE)
    client.post("/accounts/2fa/reauthenticate/", {"code": factories.totp_code(SECRET)})
    assert client.get("/hr/reports/").status_code == 200
    assert client.get("/cms/").status_code == 403  # HR, not an editor: the admin's own gate refuses
