"""Recovery codes are a second factor: an HR officer or CMS editor gets them only in a session that proved one. A
recovery code typed where the portal asks for the app's code counts as the code (allauth records both as "mfa"), yet
a session that stopped at the password (one from before the person set up their app on another device) could make
a new set at /accounts/2fa/recovery-codes/generate/, read them at /accounts/2fa/recovery-codes/ (or download them),
type one, and act as HR with nobody's phone: the password it was signed in with was "confirm it is you" enough. The
portal already kept the app from being turned off in such a session (MFAAdapter.can_delete_authenticator); it now
sends a privileged person without a proved code to enter one before any recovery-codes page, as it does before
their role's pages (portal.accounts.mfa). Plain staff keep theirs as before."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth.models import Group
from django.test import Client

from portal.people.roles import hr_group
from tests import factories

CODES = "/accounts/2fa/recovery-codes/"
GENERATE = "/accounts/2fa/recovery-codes/generate/"
DOWNLOAD = "/accounts/2fa/recovery-codes/download/"
ENTER_CODE = "/accounts/2fa/reauthenticate/"


@pytest.fixture
def hr(db):
    user = factories.with_mfa(factories.make_staff(first_name="Harriet").user)
    user.groups.add(hr_group())
    return user


@pytest.fixture
def editor(db):
    user = factories.with_mfa(factories.make_staff(first_name="Eddie").user)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def _recovery_codes(user) -> list[str]:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    return authenticator.wrap().get_unused_codes() if authenticator else []


def test_a_session_that_stopped_at_the_password_cannot_make_codes_and_use_one(hr):
    client = factories.sign_in(Client(), hr, second_factor=False)
    response = client.post(GENERATE, {})
    assert response.status_code == 302 and response["Location"].startswith(ENTER_CODE)
    assert _recovery_codes(hr) == []
    assert client.get("/hr/roles/")["Location"].startswith(ENTER_CODE)


@pytest.mark.parametrize("who", ["hr", "editor"])
@pytest.mark.parametrize("page", [CODES, DOWNLOAD, GENERATE])
def test_nor_read_the_codes_the_person_has(request, who, page):
    user = request.getfixturevalue(who)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    response = factories.sign_in(Client(), user, second_factor=False).get(page)
    assert response.status_code == 302 and response["Location"].startswith(ENTER_CODE)
    assert not any(code in response.content.decode() for code in codes)


def test_once_the_apps_code_is_entered_the_codes_are_made_and_shown(hr):
    client = factories.sign_in(Client(), hr, second_factor=False)
    entered = client.post(f"{ENTER_CODE}?next={GENERATE}", {"code": factories.totp_code()})
    assert entered["Location"] == GENERATE
    assert client.post(GENERATE, {})["Location"] == CODES
    codes = _recovery_codes(hr)
    assert len(codes) == 10
    assert all(code in client.get(CODES).content.decode() for code in codes)


def test_plain_staff_make_and_read_their_codes_as_before(db):
    person = factories.with_mfa(factories.make_staff().user)
    client = factories.sign_in(Client(), person)
    assert client.post(GENERATE, {})["Location"] == CODES
    codes = _recovery_codes(person)
    assert codes and all(code in client.get(CODES).content.decode() for code in codes)
