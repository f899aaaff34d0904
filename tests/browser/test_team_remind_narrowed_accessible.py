"""axe-core on the team page narrowed to one requirement with someone overdue on it, where "Remind everyone overdue"
is not offered and the page links to itself with every requirement and status (team_chase.html)."""

from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.people.models import TeamManager
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def test_the_narrowed_team_page_without_the_button_passes_axe(page, live_server, site, axe_check):
    trust = factories.make_team("Trust", kind="organisation")
    ward = factories.make_team("Ward 7", parent=trust)
    manager = factories.make_staff(team=ward, first_name="Grace", last_name="Manager")
    TeamManager.objects.create(staff=manager, team=ward)
    fire = factories.make_requirement(name="Fire Safety")
    factories.make_completion(manager, fire)
    factories.make_staff(team=ward, first_name="Owen", last_name="Overdue")
    refresh()

    sign_in_by_session(page, live_server.url, manager.user)
    page.goto(f"{live_server.url}/team/?requirement={fire.pk}")
    link = page.get_by_role("link", name="show every requirement and status")
    expect(link).to_be_visible()
    expect(page.get_by_role("button", name="Remind everyone overdue")).to_have_count(0)
    axe_check(page)
    link.click()
    expect(page.get_by_role("button", name="Remind everyone overdue")).to_be_visible()
