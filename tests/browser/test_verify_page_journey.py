"""Signed out, in a real browser: someone holding a certificate types its code on /verify/ and sees whether it is
genuine; a code mistyped is named for what is wrong with it. axe passes on each page, at 320 px too."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from portal.reports.certificates import verification_code_for
from tests import factories
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB


def test_anyone_types_a_certificates_code_and_sees_if_it_is_genuine(page, live_server, site, axe_check):
    staff = factories.make_staff(first_name="Sam", last_name="Person")
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    entry = factories.make_completion(staff, course, timezone.now() - datetime.timedelta(days=3))
    code = verification_code_for(entry).code

    page.goto(f"{live_server.url}/verify/")
    expect(page.get_by_role("heading", level=1, name="Check a certificate")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Check the code").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the verification code printed on the certificate")).to_be_visible()
    axe_check(page)

    page.get_by_label("Verification code").fill("ABCD EFGH JKM0")
    page.get_by_role("button", name="Check the code").click()
    expect(page.get_by_role("link", name="The code cannot contain “0”", exact=False)).to_be_visible()
    axe_check(page)

    page.get_by_label("Verification code").fill(f"{code[:4].lower()} {code[4:8]} {code[8:]}")
    page.get_by_role("button", name="Check the code").click()
    expect(page.get_by_role("heading", level=1, name="This certificate is genuine")).to_be_visible()
    expect(page.get_by_text("Sam Person")).to_be_visible()
    assert page.url == f"{live_server.url}/verify/{code}/"
    axe_check(page)

    page.get_by_role("link", name="Check another certificate").click()
    page.get_by_label("Verification code").fill("ABCDEFGHJKMN")
    page.get_by_role("button", name="Check the code").click()
    expect(page.get_by_role("heading", level=1, name="No certificate matches this code")).to_be_visible()
    axe_check(page)


def test_a_certificate_from_before_a_new_renewal_period_says_what_counts_now(browser, live_server, site, axe_check):
    """Without JavaScript too: the check is read on a phone, from paper, by whoever holds it."""
    from portal.compliance.services import requirement_save

    staff = factories.make_staff(first_name="Sam", last_name="Person")
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    entry = factories.make_completion(staff, course, timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0)))
    code = verification_code_for(entry).code
    course.renewal_months, course.name = 12, "Safeguarding Adults (Level 1)"
    requirement_save(requirement=course, user=None)

    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/verify/{code}/")
    expect(page.get_by_role("heading", level=1, name="This certificate is genuine")).to_be_visible()
    expect(page.get_by_text("Our records now count this completion as valid until 2 March 2027")).to_be_visible()
    expect(page.get_by_text("it is now called Safeguarding Adults (Level 1)")).to_be_visible()
    expect(page.locator("dd", has_text="2 March 2029")).to_be_visible()  # as printed
    axe_check(page)
    page.context.close()
