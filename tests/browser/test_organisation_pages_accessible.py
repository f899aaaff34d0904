"""axe-core on HR's organisation pages: the team tree, a team with its managers, the forms to add, rename, move and
close a team and to add and end a manager (each with its error), and the HR roles list and remove pages."""

from playwright.sync_api import expect

from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def test_organisation_pages_pass_axe(page, live_server, site, axe_check, monkeypatch):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    organisation = factories.make_team("Organisation", kind="organisation")
    wards = factories.make_team("Wards", parent=organisation, kind="directorate")
    factories.make_team("Ward A", parent=wards)
    lead = factories.make_staff(user=factories.make_user(first_name="Grace", last_name="Lead"), team=wards)
    link = TeamManager.objects.create(staff=lead, team=wards)
    other = factories.make_staff(user=factories.make_user(first_name="Ivan", last_name="Other"), team=wards)
    other.user.groups.add(hr_group())
    factories.make_staff(user=user, team=organisation)
    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    base = f"{live_server.url}/hr/organisation"

    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Teams and managers")).to_be_visible()
    axe_check(page)
    # A trust's tree past the size at which each directorate's teams fold under it: opened by keyboard
    monkeypatch.setattr("portal.compliance.views_organisation.TEAMS_FOLDED_PAST", 1)
    page.goto(f"{base}/")
    expect(page.get_by_role("link", name="Ward A")).to_be_hidden()
    page.locator("summary", has_text="The 1 team in Wards").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Ward A")).to_be_visible()
    axe_check(page)
    page.goto(f"{base}/{wards.pk}/")
    expect(page.get_by_role("heading", name="Wards")).to_be_visible()
    axe_check(page)

    forms = [
        ("add/", "Add the team"),
        (f"{wards.pk}/rename/", "Save"),
        (f"{wards.pk}/move/", None),  # a list of teams to choose from: nothing to get wrong
        (f"{wards.pk}/close/", "Close the team"),
        (f"{wards.pk}/managers/add/", "Add the manager"),
        (f"managers/{link.pk}/end/", "End as manager"),
    ]
    for path, button in forms:
        page.goto(f"{base}/{path}")
        axe_check(page)
        if button is None:
            continue
        for box in page.locator("main form input[type=text], main form textarea").all():
            box.fill("")
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        axe_check(page)

    page.goto(f"{live_server.url}/hr/roles/")
    axe_check(page)
    page.get_by_role("button", name="Give the HR role").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.goto(f"{live_server.url}/hr/roles/{other.user.pk}/remove/")
    axe_check(page)
    page.get_by_role("button", name="Remove the HR role").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
