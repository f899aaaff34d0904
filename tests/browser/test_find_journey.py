"""HR finds a person among many from the organisation report and opens their page; a manager of several teams sees a
link to each and finds a team of theirs from the team page; the team page past its most listed says so. axe-core
checks every page, at a desktop's width and a phone's."""

from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from portal.reports import views_team
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def _world():
    organisation = factories.make_team("Organisation", kind="organisation")
    surgery = factories.make_team("Surgery", parent=organisation, kind="directorate")
    medicine = factories.make_team("Medicine", parent=organisation, kind="directorate")
    wards = [factories.make_team(f"Ward {n}", parent=parent) for n, parent in ((1, surgery), (2, medicine))]
    for n in range(6):
        factories.make_staff(team=wards[n % 2], first_name=f"Nurse{n}", last_name="Patel")
    factories.make_requirement(name="Safeguarding Adults Level 1")
    manager = factories.make_staff(team=surgery, first_name="Grace", last_name="Lead")
    for ward in wards:
        TeamManager.objects.create(staff=manager, team=ward)
    hr = factories.make_staff(team=organisation, first_name="Hana", last_name="Human-Resources")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    refresh()
    return hr, manager


def test_hr_and_a_manager_find_people_and_teams(page, live_server, site, axe_check, monkeypatch):
    hr, manager = _world()
    sign_in_by_session(page, live_server.url, hr.user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/hr/reports/")
        page.get_by_label("Find a person or team by name or employee number").fill("patel")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("heading", name="People (6)")).to_be_visible()
        axe_check(page)
        page.get_by_role("link", name="Nurse3 Patel").click()
        expect(page.get_by_role("heading", name="Nurse3 Patel")).to_be_visible()
        page.go_back()
        page.get_by_label("Name or employee number").fill("x" * 101)
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        axe_check(page)

    monkeypatch.setattr(views_team, "LISTED_MAX", 2)
    page.goto(f"{live_server.url}/team/")
    expect(page.get_by_text("The first 2 of")).to_be_attached()
    axe_check(page)

    page.context.clear_cookies()
    sign_in_by_session(page, live_server.url, manager.user)
    page.goto(f"{live_server.url}/team/")
    expect(page.get_by_text("See one of your teams on its own")).to_be_visible()
    axe_check(page)
    page.get_by_label("Find a person or team by name or employee number").fill("ward")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Teams (2)")).to_be_visible()
    expect(page.get_by_text("In Organisation › Medicine")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Ward 2").click()
    expect(page.get_by_text("Everyone in Ward 2 and the teams below")).to_be_visible()
