"""A version that undoes a material change brings back the text someone attested: they see themselves compliant,
with nothing to attest again, and the attestation page, opened anyway, says the text is the same as theirs."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from modules.models import PolicyPage
from portal.compliance.dates import add_months
from tests.browser.conftest import BROWSER_DB, sign_in_by_session
from tests.browser.test_reattestation_journey import attested_version_1
from tests.compliance.test_attestation import publish_new_version

pytestmark = BROWSER_DB


def test_who_attested_the_text_brought_back_is_compliant_and_told_the_text_is_the_same(
    page, live_server, site, axe_check
):
    policy, requirement, user = attested_version_1(site)
    deadline = timezone.localdate() + datetime.timedelta(days=21)
    publish_new_version(
        policy, "2.0", PolicyPage.MATERIAL, reason="New rule", deadline=deadline, section_text="Always."
    )
    publish_new_version(
        policy,
        "3.0",
        PolicyPage.MATERIAL,
        reason="Rule withdrawn",
        deadline=deadline,
        section_text="Speak for yourself.",
    )

    sign_in_by_session(page, live_server.url, user)
    page.goto(f"{live_server.url}/training/")
    row = page.get_by_role("row", name=requirement.name)
    expect(row.get_by_text("Compliant")).to_be_visible()
    expect(row.get_by_text(f"{add_months(timezone.localdate(), 12):%-d %B %Y}")).to_be_visible()
    expect(page.get_by_text("Due soon")).to_have_count(0)
    axe_check(page)

    page.goto(f"{live_server.url}/attest/{requirement.pk}/")
    expect(page.get_by_text("I have read and understood version 3.0")).to_be_visible()
    expect(page.get_by_role("heading", name="What has changed since version 1.0")).to_be_visible()
    expect(
        page.get_by_text("The text of the sections is the same; only details such as the version changed.")
    ).to_be_visible()
    axe_check(page)
