"""axe-core on HR's front page and organisation report while they warn that the daily reminder run could not reach
the mail server (tests/reports/test_reminder_run_warning.py tests what it says and to whom)."""

from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.compliance.reminder_sending import reminders_send
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_with_code
from tests.mail_down import DOWN

pytestmark = BROWSER_DB


def test_the_warning_passes_axe(page, live_server, site, axe_check, settings):
    organisation = factories.make_team("Organisation", kind="organisation")
    for n in range(4):  # overdue, each with an email the run cannot send
        factories.make_staff(team=organisation, first_name="Overdue", last_name=f"Person {n}")
    factories.make_requirement(name="Fire Safety")
    refresh()
    settings.EMAIL_BACKEND = DOWN
    reminders_send(timezone.localdate())
    hr = factories.make_staff(team=organisation, first_name="Hana", last_name="Human-Resources")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)

    sign_in_with_code(page, live_server.url, hr.user.email)
    for path in ("/", "/hr/reports/"):
        page.goto(f"{live_server.url}{path}")
        warning = page.get_by_test_id("reminder-run-warning")
        expect(warning).to_contain_text("Reminder emails are not being sent")
        expect(warning).to_contain_text("could not reach the mail server (ConnectionRefusedError: ")
        axe_check(page)
