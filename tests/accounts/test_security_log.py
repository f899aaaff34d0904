"""Security events reach the audit log: signing in and failing to, second factors, role changes."""

from django.test import Client

from portal.audit.models import AuditEvent
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories


def _actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", "scope"))


def test_signing_in_and_failing_to_are_logged(db):
    user = factories.make_user(email="ruth@example.nhs.uk")
    client = Client()
    client.post("/accounts/login/", {"login": "ruth@example.nhs.uk", "password": "wrong"})
    client.post("/accounts/login/", {"login": "ruth@example.nhs.uk", "password": factories.PASSWORD})
    client.post("/accounts/logout/")
    assert _actions() == [
        (AuditEvent.SIGN_IN_FAILED, "ruth@example.nhs.uk"),
        (AuditEvent.SIGN_IN, "ruth@example.nhs.uk"),
        (AuditEvent.SIGN_OUT, "ruth@example.nhs.uk"),
    ]
    assert AuditEvent.objects.get(action=AuditEvent.SIGN_IN).actor == user
    assert "wrong" not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_role_changes_are_logged(db):
    staff = factories.make_staff(team=factories.make_team("Ward", kind="organisation"))
    staff.user.groups.add(hr_group())
    hr_group().user_set.remove(staff.user)
    link = TeamManager.objects.create(staff=staff, team=staff.team)
    link.delete()
    scopes = [scope for action, scope in _actions() if action == AuditEvent.ROLE_CHANGED]
    assert scopes == [
        f"{staff.user.email} added to HR",
        f"{staff.user.email} removed from HR",
        f"{staff} now manages Ward",
        f"{staff} no longer manages Ward",
    ]


def test_adding_and_removing_a_second_factor_is_logged(db, rf):
    from allauth.mfa import signals

    user = factories.make_user()
    factories.with_mfa(user)
    authenticator = user.authenticator_set.get()
    request = rf.get("/")
    signals.authenticator_added.send(
        sender=type(authenticator), request=request, user=user, authenticator=authenticator
    )
    signals.authenticator_removed.send(
        sender=type(authenticator), request=request, user=user, authenticator=authenticator
    )
    assert [a for a, _ in _actions()] == [AuditEvent.MFA_ADDED, AuditEvent.MFA_REMOVED]
