"""axe-core on the pages someone with no password sees at /accounts/password/set/: the one asking them to sign in
again (no sign-in again from that page in the last minutes), and the form itself straight after signing in again."""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from portal.accounts.views_password import REAUTHENTICATED_AT
from tests import factories
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB


def _signed_in_by_sso(page, base_url, user, *, minutes_ago):
    """The browser holds a session as single sign-on leaves it (no provider runs here), made by Django's client: a
    sign-in `minutes_ago`, which was a sign-in again from the password page (sso.admit's auth_time check passed)."""
    client = Client()
    client.force_login(user)
    session = client.session
    at = time.time() - minutes_ago * 60
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "socialaccount", "at": at, "provider": "nhsmail"}]
    session["account_authentication_methods_user"] = str(user.pk)
    session[REAUTHENTICATED_AT] = at
    session.save()
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base_url}])


def test_the_pages_that_set_a_first_password_pass_axe(page, live_server, site, axe_check):
    sam = factories.make_user(email="sam.sso@example.nhs.uk")
    sam.set_unusable_password()
    sam.save()
    factories.make_staff(user=sam)
    _signed_in_by_sso(page, live_server.url, sam, minutes_ago=30)
    page.goto(f"{live_server.url}/accounts/password/set/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in again to set a password")
    axe_check(page)
    _signed_in_by_sso(page, live_server.url, sam, minutes_ago=1)
    page.goto(f"{live_server.url}/accounts/password/set/")
    expect(page.get_by_label("New password", exact=True)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Set your password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
