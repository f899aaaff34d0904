"""axe-core on HR's requirements pages: the list (with a policy past its review date and a retired requirement), the
add and change forms with their errors, and the retire page with its error."""

from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.compliance.services import requirement_retire
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def test_requirement_pages_pass_axe(page, live_server, site, axe_check):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    policy = factories.make_policy(parent=site)  # next review 21 June 2022: overdue
    factories.make_module(policy=policy)
    factories.make_team("Organisation", kind="organisation")
    attest = factories.make_requirement(name="Social media policy", kind="attest_policy", page=policy)
    old = factories.make_requirement(name="Old course")
    requirement_retire(requirement=old, user=user, reason="Replaced by Fire Safety")
    refresh()
    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    page.goto(f"{live_server.url}/hr/requirements/")
    expect(page.get_by_text("Review overdue since 21 June 2022").first).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Add a requirement").click()
    expect(page.get_by_role("heading", name="Add a requirement")).to_be_visible()
    axe_check(page)
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_label("Only the staff groups, teams and job titles chosen below").check()
    page.get_by_role("button", name="Save requirement").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/hr/requirements/{attest.pk}/")
    axe_check(page)

    page.goto(f"{live_server.url}/hr/requirements/{attest.pk}/retire/")
    axe_check(page)
    page.get_by_role("button", name="Retire this requirement").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
