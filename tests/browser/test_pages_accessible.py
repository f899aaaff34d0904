"""axe-core on every other page staff and HR use, including forms showing their errors."""

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.models import Certificate
from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in, sign_in_with_code, totp_code

pytestmark = BROWSER_DB


def _rejected_certificate(staff, requirement) -> None:
    """A certificate HR rejected: listed with a red tag and HR's reason, on My training and the person's pages."""
    Certificate.objects.create(
        staff=staff,
        requirement=requirement,
        file="certificates/rejected.pdf",
        original_name="course.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        completed_on=timezone.localdate(),
        status=Certificate.REJECTED,
        rejection_reason="The certificate names another person",
    )


def test_staff_pages_pass_axe(page, live_server, site, axe_check):
    policy = factories.make_policy(parent=site)
    module = factories.make_module(policy=policy)
    user = factories.make_user(email="aisha@example.nhs.uk", first_name="Aisha", last_name="Rahman")
    staff = factories.make_staff(user=user)
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    refresh()
    _rejected_certificate(staff, course)
    sign_in(page, live_server.url, user.email)
    for path in [
        "/",
        "/training/",
        "/attest/",
        "/certificates/",
        "/certificates/upload/",
        policy.url,
        module.url,
        module.get_parent().url,  # the list of modules
        "/accounts/email/",  # the sign-in email, shown read-only
    ]:
        page.goto(f"{live_server.url}{path}")
        axe_check(page)
    page.goto(f"{live_server.url}/certificates/upload/")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.goto(f"{live_server.url}/verify/ABCDEFGHJKMN/")
    axe_check(page)


def test_hr_pages_pass_axe(page, live_server, site, axe_check):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    sign_in(page, live_server.url, user.email)
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    axe_check(page)
    page.get_by_label("Code", exact=True).fill(totp_code())
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    axe_check(page)
    for path in ["/certificates/queue/", "/hr/imports/", "/hr/imports/roster/", "/hr/imports/completions/"]:
        page.goto(f"{live_server.url}{path}")
        axe_check(page)
    page.goto(f"{live_server.url}/hr/imports/roster/")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)

    # Voiding an entry: the person's page with its Void buttons, the confirmation page, its error, the result.
    sam = factories.make_staff(first_name="Sam", last_name="Person")
    course = factories.make_requirement(name="Fire Safety")
    refresh()
    entry = factories.make_completion(sam, course, source_ref="import batch 3 line 41")
    _rejected_certificate(sam, course)
    page.goto(f"{live_server.url}/team/people/{sam.pk}/")
    expect(page.get_by_text("Reason: The certificate names another person")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Void the entry for Fire Safety").click()
    expect(page.get_by_role("heading", name="Void an entry in Sam Person's record")).to_be_visible()
    assert page.url.endswith(f"/hr/evidence/{entry.pk}/void/")
    axe_check(page)
    page.get_by_role("button", name="Void this entry").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("Why is this entry wrong?").fill("Imported against the wrong person")
    page.get_by_role("button", name="Void this entry").click()
    expect(page.get_by_text("Entry voided.")).to_be_visible()
    expect(page.get_by_text("Imported against the wrong person").first).to_be_visible()
    axe_check(page)


def test_sign_in_security_and_password_pages_pass_axe(page, live_server, site, axe_check):
    user = factories.with_mfa(factories.make_user(email="sam@example.nhs.uk"))
    RecoveryCodes.activate(user)
    sign_in_with_code(page, live_server.url, user.email)
    for path, heading in [
        ("/accounts/2fa/", "Sign-in security"),
        ("/accounts/2fa/totp/deactivate/", "Turn off your authenticator app"),
        ("/accounts/2fa/recovery-codes/generate/", "Make new recovery codes"),
        ("/accounts/3rdparty/", "Linked accounts"),
        ("/accounts/password/change/", "Change your password"),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page)
    page.get_by_role("button", name="Change your password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)


def test_sign_in_errors_and_password_reset_pass_axe(page, live_server, site, axe_check):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.goto(f"{live_server.url}/accounts/password/reset/")
    axe_check(page)
