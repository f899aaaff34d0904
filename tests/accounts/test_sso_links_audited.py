"""Linking an account at the organisation's sign-in service to a portal account (the first single sign-on, which
links it) and unlinking it at /accounts/3rdparty/ are in the audit log, as adding and removing a second factor are:
each is a way in. allauth only logged them (`log.info`)."""

from allauth.socialaccount.models import SocialAccount

from portal.audit.models import AuditEvent
from tests import factories
from tests.accounts import test_sso
from tests.accounts.test_account_pages_wording import NHSMAIL
from tests.accounts.test_sso import new_sub, roster_person, sign_in

idp, configure, sso = test_sso.idp, test_sso.configure, test_sso.sso  # the test provider and the portal set up for it


def _lines():
    return AuditEvent.objects.filter(action=AuditEvent.SSO_LINKED).order_by("pk")


def test_the_first_single_sign_on_links_the_account_and_is_audited(client, sso):
    person = roster_person()
    sub = sso.add_account(new_sub(), email=person.email, email_verified=True, name="Priya Shah")

    response, _ = sign_in(client, sso, sub)

    assert response.status_code == 302
    (line,) = _lines()
    assert (line.actor, line.scope) == (person, person.email)
    assert line.detail["change"] == "linked" and line.detail["provider"] == test_sso.PROVIDER_ID
    assert line.detail["subject"] == sub and line.detail["ip"]
    sign_in(client.__class__(), sso, sub)  # signing in again links nothing new
    assert _lines().count() == 1


def test_unlinking_on_the_linked_accounts_page_is_audited(client, settings, db):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [NHSMAIL]}}
    person = factories.with_mfa(factories.make_user(email="pat.person@example.nhs.uk"))
    account = SocialAccount.objects.create(user=person, provider="nhsmail", uid="sub-123")
    factories.sign_in(client, person)

    client.post("/accounts/3rdparty/", {"account": account.pk})

    assert not SocialAccount.objects.filter(user=person).exists()
    (line,) = _lines()
    assert line.actor == person and line.detail["change"] == "unlinked" and line.detail["subject"] == "sub-123"
