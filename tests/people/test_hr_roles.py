"""The HR role, granted and removed with a reason by another HR officer (/hr/roles/): one audit line per change, with
the reason; the person's sessions end; nobody changes their own role; the last HR officer stays."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.people.hr_roles import RoleError, hr_officers, hr_role_grant, hr_role_remove
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories


def _person(first, last, team):
    return factories.make_staff(user=factories.make_user(first_name=first, last_name=last), team=team)


@pytest.fixture
def org(db):
    team = factories.make_team("Organisation", kind="organisation")
    hana = _person("Hana", "HR", team)
    hana.user.groups.add(hr_group())
    factories.with_mfa(hana.user)
    ivan = _person("Ivan", "HR", team)
    ivan.user.groups.add(hr_group())
    factories.with_mfa(ivan.user)
    manager = _person("Mo", "Manager", team)
    TeamManager.objects.create(staff=manager, team=team)
    return {
        "since": _last_event(),  # the receivers' lines for setting the scene come before it
        "hana": hana,
        "ivan": ivan,
        "manager": manager,
        "sam": _person("Sam", "Person", team),
    }


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _role_lines(org):
    return list(AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED, pk__gt=org["since"]))


def _epoch(staff) -> int:
    staff.user.refresh_from_db()
    return staff.user.session_epoch


def client_for(staff, second_factor=True) -> Client:
    return factories.sign_in(Client(), staff.user, second_factor=second_factor)


def test_hr_grants_the_role_with_one_audit_line_and_the_persons_sessions_end(org):
    epoch = _epoch(org["sam"])
    hr_role_grant(staff=org["sam"], reason="Joined the HR team", user=org["hana"].user)

    assert org["sam"].user.groups.filter(name="HR").exists()
    assert _epoch(org["sam"]) == epoch + 1
    (line,) = _role_lines(org)
    assert line.actor == org["hana"].user and line.detail["reason"] == "Joined the HR team"
    assert line.scope == f"{org['sam'].user.email} added to HR" and line.detail["change"] == "granted"


def test_hr_removes_the_role_with_one_audit_line_and_the_persons_sessions_end(org):
    epoch = _epoch(org["ivan"])
    hr_role_remove(account=org["ivan"].user, reason="Moved to payroll", user=org["hana"].user)

    assert list(hr_officers()) == [org["hana"].user]
    assert _epoch(org["ivan"]) == epoch + 1
    (line,) = _role_lines(org)
    assert line.detail["reason"] == "Moved to payroll" and line.detail["change"] == "removed"


def test_a_change_made_round_the_service_is_still_audited_by_the_receiver(org):
    org["sam"].user.groups.add(Group.objects.get(name="HR"))
    (line,) = _role_lines(org)
    assert line.actor is None and line.scope == f"{org['sam'].user.email} added to HR"


def test_nobody_changes_their_own_role(org):
    with pytest.raises(RoleError, match="You cannot remove your own HR role"):
        hr_role_remove(account=org["hana"].user, reason="Leaving", user=org["hana"].user)
    org["hana"].user.groups.clear()
    org["since"] = _last_event()
    with pytest.raises(RoleError, match="You cannot give yourself the HR role"):
        hr_role_grant(staff=org["hana"], reason="Back", user=org["hana"].user)
    assert _role_lines(org) == []


def test_the_last_hr_officer_cannot_be_removed(org, django_user_model):
    hr_role_remove(account=org["ivan"].user, reason="Moved", user=org["hana"].user)
    superuser = django_user_model.objects.create_superuser(email="root@example.nhs.uk", password="x" * 20)
    lines = len(_role_lines(org))  # Ivan's removal, and the superuser made (audited by portal.accounts.receivers)
    with pytest.raises(RoleError, match="Hana HR is the last HR officer"):
        hr_role_remove(account=org["hana"].user, reason="Tidy up", user=superuser)
    assert list(hr_officers()) == [org["hana"].user] and len(_role_lines(org)) == lines == 2


@pytest.mark.parametrize(
    ("reason", "message"), [("", "Give the reason"), ("x" * 1001, "1000 characters"), ("Why\x00", r"U\+0000")]
)
def test_a_bad_reason_changes_nothing(org, reason, message):
    with pytest.raises(RoleError, match=message):
        hr_role_grant(staff=org["sam"], reason=reason, user=org["hana"].user)
    with pytest.raises(RoleError, match=message):
        hr_role_remove(account=org["ivan"].user, reason=reason, user=org["hana"].user)
    assert hr_officers().count() == 2 and _role_lines(org) == []


def test_a_leaver_someone_without_an_account_or_already_hr_is_refused(org):
    with pytest.raises(RoleError, match="Ivan HR already has the HR role"):
        hr_role_grant(staff=org["ivan"], reason="Again", user=org["hana"].user)
    org["sam"].leave_date = org["sam"].start_date
    org["sam"].save()
    with pytest.raises(RoleError, match=r"Sam Person \(E\d+\) has left"):
        hr_role_grant(staff=org["sam"], reason="Cover", user=org["hana"].user)
    no_account = factories.make_staff(user=factories.make_user(), first_name="Nia", last_name="Nobody")
    no_account.user = None
    no_account.save()
    with pytest.raises(RoleError, match="has no account to sign in with"):
        hr_role_grant(staff=no_account, reason="Cover", user=org["hana"].user)
    assert _role_lines(org) == []


# --- the pages -------------------------------------------------------------------------------------------------


def _urls(org):
    return [reverse("hr_roles:list"), reverse("hr_roles:remove", args=[org["ivan"].user.pk])]


def test_hr_sees_who_has_the_role_and_grants_it_by_employee_number(org):
    client = client_for(org["hana"])
    page = client.get(reverse("hr_roles:list")).content.decode()
    assert "Hana HR (you)" in page and "Ivan HR" in page
    assert reverse("hr_roles:remove", args=[org["ivan"].user.pk]) in page
    assert reverse("hr_roles:remove", args=[org["hana"].user.pk]) not in page

    response = client.post(
        reverse("hr_roles:list"), {"employee_number": org["sam"].employee_number, "reason": "Joined HR"}
    )
    assert response.status_code == 302 and org["sam"].user.groups.filter(name="HR").exists()
    assert _role_lines(org)[0].detail["reason"] == "Joined HR"


def test_an_unknown_employee_number_is_named_at_the_field(org):
    response = client_for(org["hana"]).post(reverse("hr_roles:list"), {"employee_number": "E404", "reason": "Joined"})
    page = response.content.decode()
    assert response.status_code == 400 and "Nobody has the employee number &#x27;E404&#x27;" in page
    assert 'id="id_employee_number-error"' in page and _role_lines(org) == []


def test_hr_removes_the_role_with_a_reason_and_their_session_ends(org):
    ivan = client_for(org["ivan"])
    assert ivan.get(reverse("hr_roles:list")).status_code == 200
    response = client_for(org["hana"]).post(
        reverse("hr_roles:remove", args=[org["ivan"].user.pk]), {"reason": "Moved to payroll"}
    )
    assert response.status_code == 302
    response = ivan.get(reverse("hr_roles:list"))  # the old session ends at its next request
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for(org["ivan"]).get(reverse("hr_roles:list")).status_code == 403


def test_the_remove_page_refuses_ones_own_role(org):
    client = client_for(org["hana"])
    own = reverse("hr_roles:remove", args=[org["hana"].user.pk])
    assert "You cannot remove your own HR role" in client.get(own).content.decode()
    assert client.post(own, {"reason": "Leaving"}).status_code == 403
    assert hr_officers().count() == 2


def test_hr_with_a_password_only_is_asked_for_the_code(org):
    client = client_for(org["hana"], second_factor=False)
    for url in _urls(org):
        response = client.post(url, {"employee_number": org["sam"].employee_number, "reason": "x"})
        assert response.status_code == 302 and "reauthenticate" in response["Location"], url
    assert hr_officers().count() == 2 and _role_lines(org) == []


@pytest.mark.parametrize("who", ["manager", "sam"])
def test_managers_and_staff_are_refused(org, who):
    client = client_for(org[who])
    for url in _urls(org):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("hr_roles:list"), {"employee_number": org[who].employee_number, "reason": "Me"})
    assert response.status_code == 403 and hr_officers().count() == 2


def test_anonymous_visitors_are_sent_to_sign_in(org):
    for url in _urls(org):
        assert Client().get(url)["Location"].startswith("/accounts/login/"), url


def test_the_list_runs_the_same_queries_however_many_officers(org):
    # session, user, HR group (is_hr), the officers with their staff records, their authenticator apps (the
    # second factor of the person asking is kept in the session)
    client = client_for(org["hana"])
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("hr_roles:list"))
    for _ in range(5):
        factories.with_mfa(factories.make_staff().user).groups.add(hr_group())
    with CaptureQueriesContext(connection) as large:
        assert b"Person" in client.get(reverse("hr_roles:list")).content
    assert len(small.captured_queries) == len(large.captured_queries) == 5
