"""Review of 5b49eb9 and 713f724 (the second-factor notices). With password sign-in turned off (PORTAL_PASSWORD_LOGIN,
single sign-on for everyone but a superuser), the emails telling an HR officer that an authenticator app was set up
or removed, new recovery codes made, or the service desk reset them, say "If it was not you: ... Reset your password
here straight away" with the portal's reset page: that page refuses to set their password ("Password sign-in is
turned off ... No password was set", portal.accounts.password_reset). The person told their account is being used by
someone else is sent down a dead end; it is their organisation's account whose password needs changing (the sign-in
warning, templates/account/email/sign_in_attempts_refused_message.txt, names the single sign-on already). They now
say to change the password they sign in with, naming the single sign-on; where the reset page works (password
sign-in on, or a superuser), they still link to it."""

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context

from portal.people.roles import hr_group
from tests import factories

RESET_PAGE = "/accounts/password/reset/"


@pytest.mark.parametrize(
    "template",
    [
        "mfa/email/totp_activated",
        "mfa/email/totp_deactivated",
        "mfa/email/recovery_codes_generated",
        "mfa/email/second_factor_reset",
    ],
)
def test_with_password_sign_in_off_a_notice_does_not_send_them_to_a_reset_that_refuses_them(
    db, settings, rf, mailoutbox, template
):
    settings.PORTAL_PASSWORD_LOGIN = False
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"
    officer = factories.make_user(email="hana.hr@example.nhs.uk", first_name="Hana")
    factories.make_staff(user=officer)
    officer.groups.add(hr_group())
    with context.request_context(rf.post("/accounts/2fa/")):
        get_adapter().send_notification_mail(template, officer, context={"reason": "INC0012345"})
    (message,) = mailoutbox
    assert "If it was not you" in message.body or "If you did not ask for this" in message.body
    assert RESET_PAGE not in message.body
    assert "Change the password you sign in with" in message.body and "straight away" in message.body


@pytest.mark.parametrize("superuser", [False, True])
def test_where_the_reset_page_works_the_notice_links_to_it(db, settings, rf, mailoutbox, superuser):
    settings.PORTAL_PASSWORD_LOGIN = superuser is False  # on for everyone; or off, but a superuser's still works
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"
    person = factories.make_user(email="rita.root@example.nhs.uk", is_superuser=superuser)
    with context.request_context(rf.post("/accounts/2fa/")):
        get_adapter().send_notification_mail("mfa/email/totp_activated", person, context={})
    (message,) = mailoutbox
    assert f"Reset your password here straight away:\n\nhttps://training.example.nhs.uk{RESET_PAGE}" in message.body
