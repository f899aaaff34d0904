"""axe-core on the page a link to set a password leads to while password sign-in is turned off: it sends the person
to single sign-on instead of offering a password form (tests/accounts/test_reset_link_with_password_sign_in_off.py)."""

from playwright.sync_api import expect

from portal.people.emails import invitation_send
from tests import factories
from tests.accounts.test_password_reset_leavers import _link_path
from tests.browser.conftest import BROWSER_DB
from tests.people.test_invitation_with_single_sign_on import _single_sign_on

pytestmark = BROWSER_DB


def test_the_link_page_with_passwords_off_passes_axe(page, live_server, site, settings, mailoutbox, axe_check):
    _single_sign_on(settings, passwords=True)
    invitation_send(factories.make_staff(user=factories.make_user(email="priya.shah@example.nhs.uk")))
    settings.PORTAL_PASSWORD_LOGIN = False
    page.goto(f"{live_server.url}{_link_path(mailoutbox)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with your organisation's account")
    expect(page.get_by_role("link", name="sign-in page")).to_be_visible()
    axe_check(page)
