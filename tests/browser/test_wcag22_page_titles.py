"""WCAG 2.4.2 (page titled), which axe checks only for a title being there: a page showing what went wrong says
"Error: " first in its title, so a screen reader user hears at once that the form was not accepted; and the team page
names the team it shows, so two of its tabs, or two entries in the history, can be told apart."""

from playwright.sync_api import expect

from portal.people.models import TeamManager
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in

pytestmark = BROWSER_DB

SERVICE = "Staff training and attestation"


def test_a_page_showing_what_went_wrong_says_error_first_in_its_title(page, live_server, site):
    module = factories.make_module(policy=factories.make_policy(parent=site))
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    sign_in(page, live_server.url, user.email)

    page.goto(f"{live_server.url}{module.url}")
    page.get_by_role("button", name="Check my choice").first.click()  # no option chosen
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(f"Error: {module.title} – {SERVICE} – NHS Warrington CCG")

    for path, field, button, heading in [
        ("/accounts/reauthenticate/", "Password", "Confirm", "Confirm it is you"),
        ("/accounts/2fa/totp/activate/", "Authenticator code", "Continue", "Set up an authenticator app"),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page).to_have_title(f"{heading} – {SERVICE} – NHS Warrington CCG")
        page.get_by_label(field, exact=True).fill("000000")
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        expect(page).to_have_title(f"Error: {heading} – {SERVICE} – NHS Warrington CCG")


def test_a_wrong_code_at_sign_in_says_error_first_in_the_title(page, live_server, site):
    user = factories.with_mfa(factories.make_user(email="dev@example.nhs.uk"))
    sign_in(page, live_server.url, user.email)
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(f"Error: Enter the code from your authenticator app – {SERVICE} – NHS Warrington CCG")


def test_the_team_page_names_the_team_it_shows(page, live_server, site):
    finance, payroll = factories.make_team("Finance"), factories.make_team("Payroll")
    manager = factories.make_staff(user=factories.make_user(email="grace@example.nhs.uk"), team=finance)
    for team in (finance, payroll):
        TeamManager.objects.create(staff=manager, team=team)
    sign_in(page, live_server.url, manager.user.email)

    page.goto(f"{live_server.url}/team/")
    expect(page).to_have_title(f"My team – {SERVICE} – NHS Warrington CCG")  # both teams: the page's own name
    page.get_by_role("link", name="Payroll", exact=True).click()
    expect(page).to_have_title(f"My team: Payroll – {SERVICE} – NHS Warrington CCG")
