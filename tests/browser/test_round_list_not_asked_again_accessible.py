"""axe-core (and reflow at 320 px) on HR's list of rounds when a round names the versions whose attesters it does
not ask again."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.models import Requirement
from portal.compliance.services import reattestation_round_open
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def test_the_list_naming_versions_not_asked_again_passes_axe(page, live_server, site, axe_check):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    policy = factories.make_policy(parent=site)
    factories.make_requirement(name="Attest the social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    factories.make_snapshot(policy, "2.0", "Always use the disclaimer.")
    reattestation_round_open(
        snapshot=factories.make_snapshot(policy, "3.0", "Always use the disclaimer."),  # 2.0's text: minor since
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        reason="Section 1: a new heading",
        opened_by=user,
    )
    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    page.goto(f"{live_server.url}/hr/requirements/rounds/")
    expect(page.get_by_text("Not asked again: who attested version 2.0")).to_be_visible()
    axe_check(page)  # and reflow at 320 px
