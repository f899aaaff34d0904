"""The NHS.UK frontend and the portal's own scripts work under the Content-Security-Policy: no page visited
reports a violation, and the scripted parts (the header menu, the error summary's focus) still run."""

from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.people.models import TeamManager
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in

pytestmark = BROWSER_DB

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""


def test_pages_run_under_the_content_security_policy(browser, live_server, site):
    policy = factories.make_policy(parent=site)
    module = factories.make_module(policy=policy)
    team = factories.make_team("Ward", kind="organisation")
    user = factories.make_user(email="cara@example.nhs.uk", first_name="Cara", last_name="Nurse")
    staff = factories.make_staff(user=user, team=team)
    TeamManager.objects.create(staff=staff, team=team)
    factories.make_requirement(name="Safeguarding Adults Level 1")
    refresh()
    context = browser.new_context()  # without bypass_csp: the policy applies as it would for staff
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    response = page.goto(f"{live_server.url}/accounts/login/")
    policy_header = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy_header and "frame-ancestors 'none'" in policy_header
    page.get_by_role("button", name="Sign in").click()  # an empty form: the error summary takes focus (JS)
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    sign_in(page, live_server.url, user.email)
    for path in ["/", "/training/", module.get_parent().url, module.url, policy.url, "/team/", "/certificates/upload/"]:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("() => document.documentElement.classList.contains('js-enabled')"), path
        assert page.evaluate("() => window.__cspViolations") == [], path
    assert not [text for text in console if "Content Security Policy" in text]
    context.close()
