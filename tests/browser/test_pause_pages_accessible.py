"""axe-core on HR's pause pages: the person's pauses, the form to pause with its errors, the change form, the
withdraw page with its error, and the person's page showing "Paused until"."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance import pauses
from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_with_code

pytestmark = BROWSER_DB


def test_pause_pages_pass_axe(page, live_server, site, axe_check):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    team = factories.make_team("Wards")
    nia = factories.make_staff(team=team, first_name="Nia", last_name="Jones")
    factories.make_requirement(name="Fire safety")
    refresh()
    today = timezone.localdate()
    pause = pauses.pause_add(
        staff=nia,
        requirements=None,
        reason_code=pauses.MATERNITY,
        first_day=today,
        last_day=today + datetime.timedelta(days=180),
        user=user,
    )
    sign_in_with_code(page, live_server.url, user.email)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    page.goto(f"{live_server.url}/team/people/{nia.pk}/")
    expect(page.get_by_text("Paused until").first).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/hr/pauses/{nia.pk}/")
    expect(page.get_by_role("heading", name="Pauses for Nia Jones")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Pause requirements").click()
    expect(page.get_by_role("heading", name="Pause requirements for Nia Jones")).to_be_visible()
    axe_check(page)
    page.get_by_label("Why is the clock stopping?").select_option("other")
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/hr/pauses/{nia.pk}/{pause.ref}/change/")
    axe_check(page)

    page.goto(f"{live_server.url}/hr/pauses/{nia.pk}/{pause.ref}/withdraw/")
    axe_check(page)
    page.get_by_role("button", name="Withdraw this pause").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
