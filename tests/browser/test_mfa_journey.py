"""An HR officer without a second factor is sent to set one up before any HR page (with no second password just after
signing in), sees their recovery codes and continues to the page they wanted; once set up, signing in asks for a
code, generated here as their authenticator app would."""

import re

from playwright.sync_api import expect

from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in, totp_code

pytestmark = BROWSER_DB


def test_hr_sets_up_a_second_factor_then_signs_in_with_a_code(page, live_server, site, axe_check):
    user = factories.make_user(email="hana@example.nhs.uk", first_name="Hana", last_name="Officer")
    user.groups.add(hr_group())
    factories.make_staff(user=user, team=factories.make_team("Trust", kind="organisation"))
    sign_in(page, live_server.url, user.email)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    page.goto(f"{live_server.url}/hr/reports/")
    # The password was typed a moment ago: the app is set up straight away, with no second password.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/\?next=%2Fhr%2Freports%2F"))
    expect(page.get_by_text("Your role needs two-factor authentication")).to_be_visible()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    axe_check(page)
    secret = page.get_by_label("Setup key").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Continue", exact=True).click()
    expect(page.get_by_role("heading", name="Trust", level=1)).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server.url, user.email)
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    page.get_by_label("Code", exact=True).fill(totp_code(secret))
    page.get_by_role("button", name="Continue", exact=True).click()
    page.goto(f"{live_server.url}/hr/reports/")
    expect(page.get_by_role("heading", name="Trust", level=1)).to_be_visible()
    axe_check(page)
