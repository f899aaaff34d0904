"""axe-core (and reflow at 320 px) on every part a policy change adds to the pages staff see: the home page's notice
and list of what is due, and on the attestation page the reasons for re-attesting, the word-level differences of
the material sections, the folded minor ones opened, and the explanation of the text fingerprint; then the
confirmation and the certificate's public check."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.models import Requirement
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record
from portal.reports.certificates import verification_code_for
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session
from tests.compliance.test_policy_changes_since import publish

pytestmark = BROWSER_DB


def test_the_parts_a_policy_change_adds_pass_axe(page, live_server, site, axe_check):
    policy = factories.make_policy(parent=site)
    requirement = factories.make_requirement(name="Attest the policy", kind=Requirement.ATTEST_POLICY, page=policy)
    factories.make_requirement(name="Fire Safety")  # never done: overdue, listed on the home page
    user = factories.make_user(first_name="Tomasz", last_name="Nowak", email="tomasz@example.nhs.uk")
    staff = factories.make_staff(user=user)
    refresh()
    attestation_record(staff=staff, snapshot=policy.latest_snapshot(), user=user)
    deadline = timezone.localdate() + datetime.timedelta(days=21)
    publish(
        policy,
        "2.0",
        {"6.2": "Always use the disclaimer.", "9": "Refer it to the press office at once."},
        {"6.2": ("material", "Clearer rules about disclaimers"), "9": ("minor", "Clearer wording")},
        deadline,
    )
    publish(policy, "2.1", {"6": "Our principles, in brief."}, {"6": ("minor", "Grammar")})

    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_role("heading", name="What you need to do")).to_be_visible()
    expect(page.get_by_text("changed on", exact=False)).to_be_visible()
    expect(page.get_by_text("Fire Safety:", exact=False)).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Read what changed and attest").click()
    expect(page.get_by_role("heading", name="What has changed since version 1.0")).to_be_visible()
    expect(page.get_by_text("Section 6.2 Best practice (version 2.0): Clearer rules about disclaimers")).to_be_visible()
    expect(page.locator(".portal-word-diff ins").first).to_be_visible()
    expect(page.locator(".portal-word-diff del").first).to_be_visible()
    axe_check(page)
    page.get_by_text("Minor changes: wording only", exact=False).click()
    expect(page.get_by_role("heading", name="Section 9 Responding to the media")).to_be_visible()
    page.get_by_text("What is a text fingerprint?").click()
    expect(page.get_by_text("If one word of the text changed", exact=False)).to_be_visible()
    axe_check(page)

    page.get_by_label("I have read and understood version 2.1", exact=False).check()
    page.get_by_role("button", name="Attest").click()
    expect(page.get_by_role("heading", name="Attestation recorded")).to_be_visible()
    page.get_by_text("What is a text fingerprint?").click()
    axe_check(page)

    entry = requirement.statuses.get(staff=staff).evidence
    page.goto(f"{live_server.url}/verify/{verification_code_for(entry).code}/")
    expect(page.get_by_role("heading", name="This certificate is genuine")).to_be_visible()
    page.get_by_text("What is a text fingerprint?").click()
    expect(page.get_by_text("the policy version the person attested to", exact=False)).to_be_visible()
    axe_check(page)
