"""One way in, and a privileged role only in a session that proved its second factor.

The Wagtail admin's own sign-in and password-reset pages are closed (they would sign people in round allauth's rate
limits, second factor and audit); an HR officer or CMS editor whose session stopped at the password acts as plain
staff, whatever URL they ask for, until they enter a code.
"""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from portal.accounts import views as account_views
from portal.audit.models import AuditEvent
from portal.people.roles import hr_group
from tests import factories

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _code(secret=SECRET) -> str:
    return factories.totp_code(secret)


@pytest.fixture
def hr(db):
    user = factories.make_user(email="hana.hr@example.nhs.uk")
    user.groups.add(hr_group())
    return factories.with_mfa(user, SECRET)


@pytest.fixture
def editor(db):
    user = factories.make_user(email="chloe.editor@example.nhs.uk")
    user.groups.add(Group.objects.get(name="Editors"))
    return factories.with_mfa(user, SECRET)


# --- The Wagtail admin's own doors ---


def test_the_wagtail_sign_in_form_signs_nobody_in_even_with_the_right_password(client, hr):
    response = client.post("/cms/login/", {"username": hr.email, "password": factories.PASSWORD, "next": "/cms/"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "_auth_user_id" not in client.session
    assert client.get("/hr/reports/")["Location"].startswith("/accounts/login/")
    assert not AuditEvent.objects.filter(action=AuditEvent.SIGN_IN).exists()


def test_twenty_wrong_passwords_at_the_wagtail_form_are_never_checked(client, hr):
    answers = {
        client.post("/cms/login/", {"username": hr.email, "password": f"wrong {n}"}).status_code for n in range(20)
    }
    assert answers == {302}
    assert not AuditEvent.objects.filter(action=AuditEvent.SIGN_IN_FAILED).exists()  # no password was even tried


def test_the_wagtail_sign_in_page_keeps_where_the_editor_was_going_but_only_within_the_portal(client):
    assert client.get("/cms/login/?next=/cms/pages/")["Location"] == "/accounts/login/?next=%2Fcms%2Fpages%2F"
    assert client.get("/cms/login/?next=https://evil.example/")["Location"] == "/accounts/login/?next=%2Fcms%2F"


@pytest.mark.parametrize(
    "path", ["/cms/password_reset/", "/cms/password_reset/done/", "/cms/password_reset/confirm/MQ/abc-123/"]
)
def test_the_wagtail_password_reset_pages_send_people_to_the_portals_own(client, hr, mailoutbox, path):
    response = client.post(path, {"email": hr.email, "new_password1": "x" * 20, "new_password2": "x" * 20})
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/reset/")
    assert mailoutbox == []


def _patterns(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def test_every_sign_in_or_password_reset_view_in_the_urlconf_is_shadowed_by_a_closed_door():
    """Any view that would call Django's login() itself (a LoginView) or set a password from an emailed link is
    reached, at its own address, only through the portal's redirect. A new app bringing one fails this test."""
    doors = {LoginView, PasswordResetView, PasswordResetConfirmView}
    found = []
    for route, callback in _patterns(get_resolver()):
        view_class = getattr(callback, "view_class", None)
        if view_class is None or not issubclass(view_class, tuple(doors)):
            continue
        if view_class.__module__.startswith("allauth."):
            continue
        path = "/" + route.replace("<uidb64>", "MQ").replace("<token>", "abc-123")
        found.append(path)
        closed = {account_views.cms_sign_in, account_views.page_sign_in, account_views.cms_password_reset}
        assert resolve(path).func in closed, path
    assert {"/cms/login/", "/cms/password_reset/", "/_util/login/"} <= set(found)


def test_the_sign_in_page_for_private_pages_signs_nobody_in(client, hr):
    response = client.post("/_util/login/?next=/some-page/", {"username": hr.email, "password": factories.PASSWORD})
    assert response["Location"] == "/accounts/login/?next=%2Fsome-page%2F"
    assert "_auth_user_id" not in client.session


# --- A privileged role counts only with the second factor ---


def test_hr_whose_session_stopped_at_the_password_is_sent_to_enter_the_code(client, hr):
    factories.sign_in(client, hr, second_factor=False)
    for path in ("/hr/reports/", "/exports/compliance.csv", "/certificates/queue/", "/team/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next="), path


def test_entering_the_code_makes_the_role_count(client, hr):
    factories.sign_in(client, hr, second_factor=False)
    client.post("/accounts/2fa/reauthenticate/", {"code": _code()})
    assert client.get("/hr/reports/").status_code == 200


def test_a_wrong_code_does_not(client, hr):
    factories.sign_in(client, hr, second_factor=False)
    assert client.post("/accounts/2fa/reauthenticate/", {"code": "000000"}).status_code == 200
    assert client.get("/hr/reports/").status_code == 302


def test_without_the_code_hr_sees_only_what_staff_see_on_every_other_page(client, hr, home_page):
    factories.sign_in(client, hr, second_factor=False)
    page = client.get("/training/")
    assert page.status_code == 200
    assert b"/hr/reports/" not in page.content  # the HR navigation is not offered either


def test_a_password_only_session_cannot_take_the_second_factor_away(client, hr):
    factories.sign_in(client, hr, second_factor=False)
    client.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})  # the password again is not enough
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=hr, type=Authenticator.Type.TOTP).exists()
    assert response.status_code == 200 and "form" in response.context  # the form, with its refusal
    assert response.context["form"].errors


def test_a_session_that_proved_the_code_may_replace_it(client, hr):
    factories.sign_in(client, hr)
    client.post("/accounts/2fa/reauthenticate/", {"code": _code()})
    client.post("/accounts/2fa/totp/deactivate/")
    assert not Authenticator.objects.filter(user=hr, type=Authenticator.Type.TOTP).exists()
    # With no authenticator left, the role no longer counts: HR pages ask for a new one.
    assert client.get("/hr/reports/")["Location"].startswith("/accounts/2fa/totp/activate/")


@pytest.mark.django_db(transaction=True)  # allauth announces a new authenticator on commit, as in production
def test_setting_up_the_app_proves_the_second_factor_for_that_session(client):
    person = factories.make_user()
    person.groups.add(hr_group())
    factories.sign_in(client, person)
    assert client.get("/hr/reports/")["Location"].startswith("/accounts/2fa/totp/activate/")
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    assert client.get("/hr/reports/").status_code == 200


def test_a_cms_editor_whose_session_stopped_at_the_password_cannot_open_the_admin(client, editor):
    factories.sign_in(client, editor, second_factor=False)
    for path in ("/cms/", "/cms/pages/", "/cms/account/"):
        assert client.get(path)["Location"].startswith("/accounts/2fa/reauthenticate/"), path
    factories.sign_in(client, editor)
    assert client.get("/cms/").status_code == 200


def test_a_superuser_without_the_code_holds_no_permission(client, db):
    boss = factories.with_mfa(factories.make_user(is_superuser=True, is_staff=True), SECRET)
    factories.sign_in(Client(), boss)  # another session's proof counts for that session only
    factories.sign_in(client, boss, second_factor=False)
    assert client.get("/cms/")["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert client.get("/hr/imports/roster/")["Location"].startswith("/accounts/2fa/reauthenticate/")


# --- Views of others' records, and refusals, are in the audit log ---


@pytest.fixture
def sams_certificate(db, tmp_path, settings):
    import datetime
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from portal.compliance.models import Certificate

    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path), "base_url": None}
    team = factories.make_team("Communications", kind="organisation")
    sam = factories.make_staff(team=team, first_name="Sam", last_name="Person")
    certificate = Certificate(
        staff=sam,
        requirement=factories.make_requirement(name="Safeguarding Adults Level 1"),
        original_name="certificate.pdf",
        content_type="application/pdf",
        size=8,
        sha256=hashlib.sha256(b"%PDF-1.4").hexdigest(),  # the file view serves only the file uploaded
        completed_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    certificate.file.save("certificate.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return certificate


def test_hr_opening_someones_certificate_is_audited(client, hr, sams_certificate):
    factories.sign_in(client, hr)
    assert client.get(f"/certificates/{sams_certificate.pk}/file/").status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.VIEW_CERTIFICATE)
    assert (event.actor, event.detail["staff_id"]) == (hr, sams_certificate.staff_id)


def test_opening_your_own_certificate_is_not_an_audit_event(client, sams_certificate):
    factories.sign_in(client, sams_certificate.staff.user)
    assert client.get(f"/certificates/{sams_certificate.pk}/file/").status_code == 200
    assert not AuditEvent.objects.filter(action__in=[AuditEvent.VIEW_CERTIFICATE, AuditEvent.REFUSED]).exists()


def test_hr_opening_someones_certificate_pdf_is_audited(client, hr, db):
    team = factories.make_team("Communications", kind="organisation")
    sam = factories.make_staff(team=team, first_name="Sam", last_name="Person")
    entry = factories.make_completion(sam, factories.make_requirement(name="Fire safety"))
    factories.sign_in(client, hr)
    assert client.get(f"/training/certificates/{entry.pk}.pdf").status_code == 200
    assert AuditEvent.objects.get(action=AuditEvent.VIEW_CERTIFICATE).detail["entry_id"] == entry.pk


def test_a_refused_attempt_at_someone_elses_record_is_audited(client, hr, sams_certificate):
    factories.sign_in(client, hr, second_factor=False)  # acts as staff: refused
    assert client.get(f"/certificates/{sams_certificate.pk}/file/").status_code == 404
    event = AuditEvent.objects.get(action=AuditEvent.REFUSED)  # one line, naming whose certificate (0207909)
    assert (event.actor, event.scope, event.detail["certificate_id"]) == (
        hr,
        f"{sams_certificate.staff}: uploaded certificate {sams_certificate.pk}",
        sams_certificate.pk,
    )


def test_a_refused_page_is_audited_and_a_public_missing_code_is_not(client, db):
    person = factories.make_user()
    factories.sign_in(client, person)
    assert client.get("/hr/reports/").status_code == 403
    assert client.get("/cms/").status_code == 403
    assert client.get("/verify/NOPE-NOPE/").status_code == 404
    refused = AuditEvent.objects.filter(action=AuditEvent.REFUSED).order_by("pk")
    assert [event.scope for event in refused] == ["/hr/reports/", "/cms/"]
