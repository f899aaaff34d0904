"""axe-core on the pages that refuse the only HR officer who can sign in a change to their own record, each saying the
way out: the void page of their own entry, the page to remove their own HR role, and the Add a manager form naming
their own employee number, with its error."""

from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB
THE_WAY_OUT = "you are the only member of HR who can sign in"


def test_own_record_refusals_pass_axe(page, live_server, site, axe_check):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    team = factories.make_team("Wards")
    dev = factories.make_staff(user=user, team=team)
    entry = factories.make_completion(dev, factories.make_requirement(name="Fire safety"))
    refresh()
    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    page.goto(f"{live_server.url}/hr/evidence/{entry.pk}/void/")
    expect(page.get_by_text(THE_WAY_OUT)).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/hr/roles/{user.pk}/remove/")
    expect(page.get_by_text("you are the only HR officer who can sign in")).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/hr/organisation/{team.pk}/managers/add/")
    page.get_by_label("Employee number").fill(dev.employee_number)
    page.get_by_label("Reason").fill("Leads the ward")
    page.get_by_role("button", name="Add the manager", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text(THE_WAY_OUT).first).to_be_visible()
    axe_check(page)
