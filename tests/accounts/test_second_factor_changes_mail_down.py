"""With the mail server down, a second-factor or password change is made and the person goes on to the page after it;
the email that could not be sent is logged, naming the person and what it was about (AccountAdapter.
send_notification_mail). Before, the change was made but the person met the server error page: a new HR officer,
having set up their app, lost the way back to where they were going, and new recovery codes were made but never
shown."""

import logging

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

from portal.people.roles import hr_group
from tests import factories
from tests.mail_down import DOWN

pytestmark = pytest.mark.django_db(transaction=True)  # allauth sends these once the change is committed


@pytest.fixture(autouse=True)
def _mail_down(settings):
    settings.EMAIL_BACKEND = DOWN


@pytest.fixture
def hana(db):
    user = factories.make_user(email="hana.hr@example.nhs.uk", first_name="Hana")
    user.groups.add(hr_group())
    return user


def _logged(caplog, what: str) -> None:
    [record] = [record for record in caplog.records if record.name == "portal.accounts.adapter"]
    assert record.levelno == logging.ERROR
    assert f"Could not email hana.hr@example.nhs.uk that {what}" in record.getMessage()
    assert "ConnectionRefusedError" in record.getMessage()


def test_setting_up_an_app_goes_on_to_the_recovery_codes(client, hana, caplog):
    factories.sign_in(client, hana)
    client.get("/accounts/2fa/totp/activate/?next=%2Fhr%2Freports%2F")
    code = factories.totp_code(client.session[SECRET_SESSION_KEY])
    response = client.post("/accounts/2fa/totp/activate/", {"code": code, "next": "/hr/reports/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/?next=%2Fhr%2Freports%2F"
    codes = Authenticator.objects.get(user=hana, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    assert all(code in client.get(response["Location"]).content.decode() for code in codes)
    _logged(caplog, "an authenticator app was set up")


def test_new_recovery_codes_are_shown(client, hana, caplog):
    factories.with_mfa(hana)
    factories.sign_in(client, hana)
    response = client.post("/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 302
    codes = Authenticator.objects.get(user=hana, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    assert all(code in client.get(response["Location"]).content.decode() for code in codes)
    _logged(caplog, "new recovery codes were made")


def test_removing_the_app_goes_on(client, hana, caplog):
    factories.with_mfa(hana)
    factories.sign_in(client, hana)
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=hana).exists()
    _logged(caplog, "the authenticator app was removed")


def test_changing_a_password_goes_on(client, hana, caplog):
    factories.sign_in(client, hana, second_factor=False)
    new = "a brand new long passphrase 42"
    response = client.post(
        "/accounts/password/change/", {"oldpassword": factories.PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    hana.refresh_from_db()
    assert hana.check_password(new)
    _logged(caplog, "the password was changed")
