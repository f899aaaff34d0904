"""axe-core (and reflow at 320 px) on HR's re-attestation rounds: the list reached from Requirements, the withdraw
page, its error summary with no reason, the list after withdrawing (with its message and the withdrawn round), and
the withdrawn round's page saying it cannot be withdrawn again."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.models import Requirement
from portal.compliance.services import reattestation_round_open
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def test_the_round_pages_pass_axe(page, live_server, site, axe_check):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    policy = factories.make_policy(parent=site)
    factories.make_requirement(name="Attest the social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    (round_,) = reattestation_round_open(
        snapshot=factories.make_snapshot(policy, "2.0"),
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        reason="Section 6.2: you must now use the disclaimer",
        opened_by=user,
    )
    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    page.goto(f"{live_server.url}/hr/requirements/")
    page.get_by_role("link", name="Re-attestation rounds").click()
    expect(page.get_by_role("heading", name="Re-attestation rounds")).to_be_visible()
    expect(page.get_by_text("Open", exact=True)).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Withdraw the round for Attest the social media policy").click()
    expect(page.get_by_role("heading", name="Withdraw the round for Attest the social media policy")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Withdraw this round").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Give the reason for withdrawing the round")).to_be_visible()
    axe_check(page)

    page.get_by_label("Why was this round opened in error?").fill("Section 6.2 was a wording fix.")
    page.get_by_role("button", name="Withdraw this round").click()
    expect(page.get_by_text("is withdrawn. It asks nothing of anyone from now on")).to_be_visible()
    expect(page.get_by_text("Withdrawn", exact=True)).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/hr/requirements/rounds/{round_.pk}/withdraw/")
    expect(page.get_by_text("cannot be withdrawn again", exact=False)).to_be_visible()
    axe_check(page)
