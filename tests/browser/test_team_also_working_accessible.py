"""axe-core on the team page with its list of people who hold a post in the team but are counted in their own
(reports.posts), and that person's page as the manager sees it: a manager of Ward 7, where a nurse of Ward 9 holds a
bank post."""

import datetime

from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.people.models import Assignment, TeamManager
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def test_the_team_page_with_people_also_working_there_passes_axe(page, live_server, site, axe_check):
    trust = factories.make_team("Trust", kind="organisation")
    ward7, ward9 = factories.make_team("Ward 7", parent=trust), factories.make_team("Ward 9", parent=trust)
    manager = factories.make_staff(team=ward7, first_name="Grace", last_name="Manager")
    TeamManager.objects.create(staff=manager, team=ward7)
    nurse = factories.make_staff(team=ward9, first_name="Bo", last_name="Bank", employment_type="bank")
    Assignment.objects.create(
        staff=nurse, number=f"{nurse.employee_number}-2", team=ward7, start_date=datetime.date(2024, 1, 1)
    )
    factories.make_requirement(name="Safeguarding Adults Level 1")
    refresh()

    sign_in_by_session(page, live_server.url, manager.user)
    page.goto(f"{live_server.url}/team/")
    expect(page.get_by_role("heading", name="Also working in this team")).to_be_visible()
    expect(page.get_by_role("link", name="Bo Bank")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Bo Bank").click()  # Bo's page, read-only for the manager of the bank post
    expect(page.get_by_text("holds a post in a team you manage")).to_be_visible()
    axe_check(page)
