"""A member of staff re-attests after a material change, seeing what changed since the version they attested."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from modules.models import PolicyPage
from portal.compliance.models import PolicySnapshot, Requirement
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def attested_version_1(site):
    """A policy at version 1.0, its attestation requirement, and someone who has attested 1.0."""
    policy = factories.make_policy(parent=site)
    requirement = factories.make_requirement(
        name="Social media policy: annual attestation", kind=Requirement.ATTEST_POLICY, page=policy
    )
    user = factories.make_user(first_name="Tomasz", last_name="Nowak", email="tomasz@example.nhs.uk")
    staff = factories.make_staff(user=user)
    refresh()
    attestation_record(staff=staff, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=user)
    return policy, requirement, user


def test_staff_member_reattests_after_a_material_change(page, live_server, site, axe_check):
    policy, requirement, user = attested_version_1(site)

    page_obj = PolicyPage.objects.get(pk=policy.pk)
    page_obj.version_label = "2.0"
    page_obj.change_base = page_obj.latest_snapshot().content_hash
    page_obj.section_changes = [
        ("change", {"section": "6.2", "change": PolicyPage.MATERIAL, "reason": "Clearer rules about disclaimers"})
    ]
    page_obj.reattest_deadline = timezone.localdate() + datetime.timedelta(days=21)
    page_obj.sections = [
        ("section", {**dict(b.value), "body": "<p>Always use the disclaimer.</p>"})
        if b.value["number"] == "6.2"
        else ("section", dict(b.value))
        for b in page_obj.sections
    ]
    page_obj.full_clean()
    page_obj.save_revision().publish()

    sign_in_by_session(page, live_server.url, user)
    page.goto(f"{live_server.url}/training/")
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    expect(page.get_by_text("Due soon")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Read and attest").click()
    expect(page.get_by_role("heading", name="What has changed since version 1.0")).to_be_visible()
    expect(page.get_by_text("Always use the disclaimer.").first).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Attest").click()  # forgot to tick: an error, nothing recorded
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("I have read and understood version 2.0 of the Social Media and Digital Content Policy").check()
    page.get_by_role("button", name="Attest").click()
    expect(page.get_by_role("heading", name="Attestation recorded")).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/training/")
    row = page.get_by_role("row", name=requirement.name)
    expect(row.get_by_text("Compliant")).to_be_visible()
    axe_check(page)
