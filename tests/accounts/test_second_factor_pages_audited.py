"""allauth's own second-factor pages, as doors to the audit log: new recovery codes made at
/accounts/2fa/recovery-codes/generate/ (a new set of second factors; the old set stops working) are audited as a
second factor added; they were not audited at all (allauth announces them with `authenticator_reset`, which no
receiver heard). Turning the authenticator app off at /accounts/2fa/totp/deactivate/ audits the app and the recovery
codes that go with it as removed."""

import pytest
from allauth.mfa.models import Authenticator

from portal.audit.models import AuditEvent
from portal.people.roles import hr_group
from tests import factories


@pytest.fixture
def hr(db):
    user = factories.make_user(email="hana.hr@example.nhs.uk")
    user.groups.add(hr_group())
    return factories.with_mfa(user)


def _second_factor_lines():
    actions = [AuditEvent.MFA_ADDED, AuditEvent.MFA_REMOVED]
    return list(AuditEvent.objects.filter(action__in=actions).order_by("pk").values_list("action", "actor", "detail"))


def test_new_recovery_codes_are_audited(client, hr, django_capture_on_commit_callbacks):
    factories.sign_in(client, hr)
    before = Authenticator.objects.get(user=hr, type=Authenticator.Type.TOTP)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/2fa/recovery-codes/generate/").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/2fa/recovery-codes/generate/").status_code == 302
    assert Authenticator.objects.filter(user=hr, type=Authenticator.Type.RECOVERY_CODES).count() == 1
    made = {"kind": "recovery_codes", "ip": "127.0.0.1", "change": "new recovery codes; any earlier ones stop working"}
    assert _second_factor_lines() == [(AuditEvent.MFA_ADDED, hr.pk, made)] * 2
    assert Authenticator.objects.filter(pk=before.pk).exists()  # the app itself is untouched


def test_turning_the_app_off_audits_it_and_its_recovery_codes_as_removed(
    client, hr, django_capture_on_commit_callbacks
):
    factories.sign_in(client, hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/2fa/recovery-codes/generate/")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=hr).exists()
    removed = [(action, actor, detail["kind"]) for action, actor, detail in _second_factor_lines()[1:]]
    assert sorted(removed) == [
        (AuditEvent.MFA_REMOVED, hr.pk, "recovery_codes"),
        (AuditEvent.MFA_REMOVED, hr.pk, "totp"),
    ]
