"""axe-core on My training for an account the staff roster does not hold: a superuser's, which points to HR's own
pages, and a plain account's, which says to contact HR."""

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def test_no_staff_record_pages_pass_axe(page, live_server, site, axe_check):
    admin = factories.with_mfa(factories.make_user(email="admin@example.nhs.uk", is_superuser=True))
    sign_in_by_session(page, live_server.url, admin)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    page.goto(f"{live_server.url}/training/")
    expect(page.get_by_role("heading", name="Your account is not on the staff roster")).to_be_visible()
    expect(page.get_by_role("link", name="Import the staff roster")).to_be_visible()
    axe_check(page)

    page.context.clear_cookies()
    person = factories.make_user(email="owen.jones@example.nhs.uk")
    sign_in_by_session(page, live_server.url, person)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    page.goto(f"{live_server.url}/training/")
    expect(page.get_by_role("heading", name="We cannot find your staff record")).to_be_visible()
    axe_check(page)
