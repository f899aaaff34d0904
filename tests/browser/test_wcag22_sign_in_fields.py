"""WCAG 3.3.8 (accessible authentication) and 1.3.5 (identify input purpose), which axe cannot check: every password
and code the portal asks for says what it is (autocomplete), so a password manager or the phone's own offer of a
texted or app code fills it, and nothing stops it being pasted. Nothing asks the person to transcribe or solve."""

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in

pytestmark = BROWSER_DB

FIELDS = """() => [...document.querySelectorAll('main input:not([type=hidden]):not([disabled])')].map((input) => {
  const paste = new ClipboardEvent('paste', {bubbles: true, cancelable: true, clipboardData: new DataTransfer()});
  input.dispatchEvent(paste);
  return [input.name, input.type, input.getAttribute('autocomplete'), !paste.defaultPrevented];
})"""


def fields(page, heading, url=None):
    """(name, type, autocomplete, pasting allowed) of each field of the page at `url`, or of the page as it is."""
    if url:
        page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    return [tuple(field) for field in page.evaluate(FIELDS)]


def test_the_code_from_the_authenticator_app_says_it_is_a_one_time_code(page, live_server, site):
    user = factories.with_mfa(factories.make_user(email="dev@example.nhs.uk"))
    RecoveryCodes.activate(user)

    sign_in(page, live_server.url, user.email)
    assert fields(page, "Enter the code from your authenticator app") == [("code", "text", "one-time-code", True)]

    page.get_by_label("Code", exact=True).fill(factories.totp_code())
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    assert fields(page, "Confirm it is you", f"{live_server.url}/accounts/2fa/reauthenticate/") == [
        ("code", "text", "one-time-code", True)
    ]


def test_setting_up_an_app_and_confirming_it_is_you_say_what_each_field_is(page, live_server, site):
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    sign_in(page, live_server.url, user.email)

    assert fields(page, "Set up an authenticator app", f"{live_server.url}/accounts/2fa/totp/activate/") == [
        ("", "text", None, True),  # the setup key, shown to copy
        ("code", "text", "one-time-code", True),
    ]
    # Someone who cannot scan the QR code can reach the setup key and copy it, rather than type 32 letters out by hand.
    key = page.get_by_label("Setup key")
    expect(key).to_have_accessible_description("If you cannot scan the QR code, copy this key into the app instead.")
    key.focus()
    expect(key).to_be_focused()
    assert key.evaluate("(el) => { el.select(); return [el.readOnly, el.selectionEnd - el.selectionStart]; }") == [
        True,
        32,
    ]
    assert fields(page, "Confirm it is you", f"{live_server.url}/accounts/reauthenticate/") == [
        ("password", "password", "current-password", True)
    ]
    assert fields(page, "Change your password", f"{live_server.url}/accounts/password/change/") == [
        ("oldpassword", "password", "current-password", True),
        ("password1", "password", "new-password", True),
        ("password2", "password", "new-password", True),
    ]


def test_signing_in_and_resetting_a_password_say_what_each_field_is(page, live_server, site):
    assert fields(page, "Sign in", f"{live_server.url}/accounts/login/") == [
        ("login", "email", "username", True),
        ("password", "password", "current-password", True),
    ]
    assert fields(page, "Reset your password", f"{live_server.url}/accounts/password/reset/") == [
        ("email", "email", "email", True)
    ]
