"""Staff read the imported policy (its front matter at the top), follow the link at its end to attest, and the page
then says when they attested; axe passes on the page both ways."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from modules.models import PolicyPage
from portal.compliance.models import Requirement
from portal.compliance.projection import refresh
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB

SEED = Path(__file__).resolve().parents[2] / "portal" / "demo" / "content" / "policy.txt"


def test_staff_attest_from_the_end_of_the_policy_page(page, live_server, site, axe_check):
    call_command("import_policy", str(SEED), stdout=StringIO())
    policy = PolicyPage.objects.get()
    policy.get_latest_revision().publish()
    factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    sam = factories.make_user(first_name="Sam", last_name="Taylor", email="sam@example.nhs.uk")
    factories.make_staff(user=sam)
    refresh()

    sign_in_by_session(page, live_server.url, sam)
    page.goto(f"{live_server.url}{policy.url}")
    summary = page.locator(".nhsuk-summary-list")
    expect(summary).to_contain_text("All employees of NHS Warrington Clinical Commissioning Group")
    expect(page.locator("#related-policies li")).to_have_count(8)
    link = page.get_by_role("link", name="Confirm you have read and understood version 1.0")
    expect(link).to_be_visible()
    axe_check(page)

    link.click()
    page.get_by_label("I have read and understood version 1.0").check()
    page.get_by_role("button", name="Attest").click()
    expect(page.get_by_role("heading", name="Attestation recorded")).to_be_visible()

    page.goto(f"{live_server.url}{policy.url}")
    today = timezone.localdate()
    expect(page.locator("#attestation")).to_have_text(
        f"Information: You attested version 1.0 on {today.day} {today:%B %Y}.", use_inner_text=True
    )
    expect(page.get_by_role("link", name="Confirm you have read")).to_have_count(0)
    axe_check(page)
