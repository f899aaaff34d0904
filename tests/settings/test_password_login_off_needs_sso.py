"""PORTAL_PASSWORD_LOGIN=false turns password sign-in off for everyone but superusers, leaving single sign-on as the
way in. Set without PORTAL_SSO_ISSUER (before single sign-on is registered, say), the portal started, and every
member of staff met "Sign-in is not available at the moment" with no button and no form. It now refuses to start,
naming both variables, as it does for any setting it cannot use."""

from tests.settings.test_production import load_production

ISSUER = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"


def test_password_sign_in_off_without_single_sign_on_stops_the_start():
    loaded = load_production(PORTAL_PASSWORD_LOGIN="false", PORTAL_SSO_ISSUER=None)
    assert loaded.returncode != 0
    assert (
        "PORTAL_PASSWORD_LOGIN is false but PORTAL_SSO_ISSUER is empty: nobody but a superuser could sign in"
        in loaded.stderr
    )


def test_password_sign_in_off_with_single_sign_on_starts():
    loaded = load_production(
        PORTAL_PASSWORD_LOGIN="false",
        PORTAL_SSO_ISSUER=ISSUER,
        PORTAL_SSO_CLIENT_ID="11111111-1111-1111-1111-111111111111",
        PORTAL_SSO_CLIENT_SECRET="not-a-real-secret",
    )
    assert loaded.returncode == 0, loaded.stderr
