"""With password sign-in turned off (PORTAL_PASSWORD_LOGIN=false), a password lets only a superuser in. Someone
holding a link to set one (an invitation sent before passwords were turned off, or a reset asked for at its address)
was asked to "Choose a new password", told "Your password has been changed: sign in with your new password", and the
sign-in page then refused it. The link's page now says to sign in with the organisation's account ("Sign in with
NHSmail"), offers no password form, and a password sent to it anyway is refused and not set. A superuser's link works
as before (the break-glass way in)."""

from django.test import Client

from portal.people.emails import invitation_send
from tests import factories
from tests.accounts.test_password_reset_leavers import _link_path
from tests.people.test_invitation_with_single_sign_on import _single_sign_on

NEW = "a brand new long passphrase 42"


def _invited_then_passwords_off(settings, mailoutbox, user):
    """The invitation is sent with both ways on; passwords are turned off before its link is followed. Returns the
    client and the page the link leads to."""
    _single_sign_on(settings, passwords=True)
    invitation_send(factories.make_staff(user=user))
    settings.PORTAL_PASSWORD_LOGIN = False
    client = Client()
    page = client.get(_link_path(mailoutbox), follow=True)
    return client, page


def test_a_link_followed_with_passwords_off_sends_them_to_single_sign_on(db, settings, mailoutbox):
    priya = factories.make_user(email="priya.shah@example.nhs.uk")
    client, page = _invited_then_passwords_off(settings, mailoutbox, priya)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Password sign-in is turned off: you do not need a password for this portal." in html
    assert 'choose "Sign in with NHSmail"' in html
    assert 'href="/accounts/login/"' in html
    assert 'name="password1"' not in html

    refused = client.post(page.request["PATH_INFO"], {"password1": NEW, "password2": NEW})
    assert refused.status_code == 200
    assert "Password sign-in is turned off, so a password would not let you in" in refused.content.decode()
    priya.refresh_from_db()
    assert not priya.check_password(NEW)


def test_a_superusers_link_still_sets_a_password(db, settings, mailoutbox):
    admin = factories.make_user(email="it.admin@example.nhs.uk", is_superuser=True, is_staff=True)
    client, page = _invited_then_passwords_off(settings, mailoutbox, admin)
    assert 'name="password1"' in page.content.decode()
    done = client.post(page.request["PATH_INFO"], {"password1": NEW, "password2": NEW})
    assert done.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password(NEW)


def test_with_passwords_on_the_link_sets_a_password(db, settings, mailoutbox):
    priya = factories.make_user(email="priya.shah@example.nhs.uk")
    _single_sign_on(settings, passwords=True)
    invitation_send(factories.make_staff(user=priya))
    client = Client()
    page = client.get(_link_path(mailoutbox), follow=True)
    assert 'name="password1"' in page.content.decode()
    client.post(page.request["PATH_INFO"], {"password1": NEW, "password2": NEW})
    priya.refresh_from_db()
    assert priya.check_password(NEW)
