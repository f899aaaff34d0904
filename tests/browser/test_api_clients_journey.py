"""HR makes an API client in a real browser, with and without JavaScript: the form's errors, the token shown once,
rotating and revoking it; axe-core on every page, and the API's docs page too."""

import pytest
from playwright.sync_api import expect

from portal.api.models import ApiClient
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


@pytest.mark.parametrize("scripts", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_hr_makes_rotates_and_revokes_an_api_client(browser, live_server, site, axe_check, scripts):
    user = factories.make_user(email="hana@example.nhs.uk", first_name="Hana", last_name="Ahmed")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    organisation = factories.make_team("Organisation", kind="organisation")
    factories.make_team("Finance", parent=organisation)
    context = browser.new_context(java_script_enabled=scripts, bypass_csp=True)  # axe is injected
    try:
        _journey(context.new_page(), live_server, axe_check, user)
    finally:
        context.close()  # before the live server goes: its threads close their connections while it is up


def _journey(page, live_server, axe_check, user):
    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    page.get_by_role("link", name="Organisation", exact=True).click()  # HR finds the page from their report
    page.get_by_role("link", name="API clients").click()
    expect(page.get_by_text("There are no API clients yet.")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Make the client").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter a name for the client")).to_be_visible()
    expect(page.get_by_role("link", name="Choose at least one thing the client may do")).to_be_visible()
    axe_check(page)

    page.get_by_label("Name").fill("ESR nightly")
    page.get_by_label("Send e-learning completions").check()
    page.get_by_label("Read the evidence ledger, to archive it").check()
    page.get_by_label("Whose records").select_option(label=f"– Finance ({_code_of('Finance')})")
    page.get_by_role("button", name="Make the client").click()
    expect(page.get_by_text("A client limited to one team cannot read the ledger").first).to_be_visible()
    axe_check(page)

    page.get_by_label("Read the evidence ledger, to archive it").uncheck()
    page.get_by_role("button", name="Make the client").click()
    expect(page.get_by_role("heading", name="API client: ESR nightly")).to_be_visible()
    token = page.locator("#token").inner_text()
    client = ApiClient.objects.get(name="ESR nightly")
    assert token.startswith(f"ntp_{client.token_prefix}_") and client.token_matches(token)
    axe_check(page)
    page.reload()
    expect(page.locator("#token")).to_have_count(0)

    page.get_by_role("button", name="Rotate the token").click()
    rotated = page.locator("#token").inner_text()
    client.refresh_from_db()
    assert rotated != token and client.token_matches(rotated) and not client.token_matches(token)

    page.get_by_role("button", name="Revoke the client").click()
    expect(page.get_by_role("link", name="Give the reason for revoking the client")).to_be_visible()
    axe_check(page)
    page.get_by_label("Reason").fill("The ESR link is replaced")
    page.get_by_role("button", name="Revoke the client").click()
    expect(page.get_by_text("ESR nightly is revoked: its token no longer works.")).to_be_visible()
    expect(page.get_by_role("button", name="Rotate the token")).to_have_count(0)
    axe_check(page)

    page.goto(f"{live_server.url}/hr/api-clients/")
    expect(page.get_by_text("Revoked")).to_be_visible()
    axe_check(page)


def test_the_api_docs_page_passes_axe(page, live_server, site, axe_check):
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_role("heading", name="API for HR systems")).to_be_visible()
    expect(page.get_by_role("heading", name="POST /api/v1/completions")).to_be_visible()
    axe_check(page)


def _code_of(name: str) -> str:
    from portal.people.models import Team

    return Team.objects.get(name=name).code
