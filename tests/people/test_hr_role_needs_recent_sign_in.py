"""Granting or removing the HR role asks the HR officer to confirm it is them, unless they just did.

The HR role opens every record and export: a session that proved its password and code hours ago (a browser left
signed in on a shared computer) must not be enough to give it to whoever sits down. allauth's re-authentication asks
for the password, keeps the POST meanwhile and makes the change once they have confirmed; as for API tokens. The list
itself opens without asking."""

import pytest
from django.test import Client

from portal.audit.models import AuditEvent
from portal.people.hr_roles import hr_officers
from portal.people.roles import hr_group
from tests import factories


def _person(first, last, team):
    return factories.make_staff(user=factories.make_user(first_name=first, last_name=last), team=team)


@pytest.fixture
def org(db):
    team = factories.make_team("Organisation", kind="organisation")
    people = {
        "hana": _person("Hana", "HR", team),
        "ivan": _person("Ivan", "HR", team),
        "sam": _person("Sam", "P", team),
    }
    for officer in ("hana", "ivan"):
        people[officer].user.groups.add(hr_group())
        factories.with_mfa(people[officer].user)
    people["since"] = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return people


@pytest.fixture
def stale(org):
    """Hana's browser, signed in with her password and code nine hours ago (within the session's ten hours). The
    records are moved back from now, whatever the hour, so the session itself stays live."""
    hana = org["hana"].user
    return factories.signed_in_hours_ago(factories.sign_in(Client(), hana), hana, 9)


def _role_changes(org):
    """The role's audit lines since the scene was set (granting Hana and Ivan theirs wrote lines of its own)."""
    return AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED, pk__gt=org["since"])


def test_granting_the_role_in_a_session_signed_in_hours_ago_confirms_the_password_first(org, stale):
    assert stale.get("/hr/roles/").status_code == 200  # the list is shown without asking
    grant = {"employee_number": org["sam"].employee_number, "reason": "Joined the HR team"}
    response = stale.post("/hr/roles/", grant)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Fhr%2Froles%2F"
    assert not org["sam"].user.groups.filter(name="HR").exists() and not _role_changes(org).exists()

    wrong = stale.post(response["Location"], {"password": "not my password"})
    assert wrong.status_code == 200 and not org["sam"].user.groups.filter(name="HR").exists()
    confirmed = stale.post(response["Location"], {"password": factories.PASSWORD})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/hr/roles/"
    assert org["sam"].user.groups.filter(name="HR").exists()  # the form she sent is acted on once she confirmed
    (line,) = _role_changes(org)
    assert line.actor == org["hana"].user and line.detail["reason"] == "Joined the HR team"


def test_removing_the_role_in_a_session_signed_in_hours_ago_confirms_the_password_first(org, stale):
    url = f"/hr/roles/{org['ivan'].user.pk}/remove/"
    assert stale.get(url).status_code == 200  # the page asking for a reason is shown without asking
    response = stale.post(url, {"reason": "Moved to payroll"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/reauthenticate/?next=%2Fhr%2Froles%2F{org['ivan'].user.pk}%2Fremove%2F"
    assert hr_officers().count() == 2 and not _role_changes(org).exists()

    confirmed = stale.post(response["Location"], {"password": factories.PASSWORD})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/hr/roles/"
    assert list(hr_officers()) == [org["hana"].user]
    assert _role_changes(org).get().detail["reason"] == "Moved to payroll"


def test_a_session_that_just_signed_in_changes_the_role_without_being_asked(org):
    fresh = factories.sign_in(Client(), org["hana"].user)  # password and code typed just now
    grant = {"employee_number": org["sam"].employee_number, "reason": "Joined the HR team"}
    assert fresh.post("/hr/roles/", grant)["Location"] == "/hr/roles/"
    response = fresh.post(f"/hr/roles/{org['ivan'].user.pk}/remove/", {"reason": "Moved to payroll"})
    assert response.status_code == 302 and response["Location"] == "/hr/roles/"
    assert sorted(officer.first_name for officer in hr_officers()) == ["Hana", "Sam"]
