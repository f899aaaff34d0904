"""A confirmed identity change that gives a person a new work email moves their account with it: the sign-in email
changes (allauth's address row too), every session of the account ends, and both addresses are told. The account
never splits (the old holder keeping it while single sign-on by the new email lands in it too). Privileged accounts
are refused, as before."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from portal.people.roster import plan_roster
from tests import factories
from tests.people.test_roster_esr import esr_file, esr_row

OLD, NEW = "grace.jones@example.nhs.uk", "tom.price@example.nhs.uk"


@pytest.fixture
def grace(teams):
    user = factories.make_user(email=OLD, first_name="Grace", last_name="Jones")
    EmailAddress.objects.create(user=user, email=OLD, verified=True, primary=True)
    return factories.make_staff(user=user, team=teams["comms"], employee_number="1001")


@pytest.fixture
def officer(db):
    user = factories.make_user(first_name="Hana", last_name="Ray", email="hana.ray@example.nhs.uk")
    user.groups.add(hr_group())
    return user


def reused_number(teams) -> bytes:
    return esr_file(esr_row("1001", "Tom", "Price", teams["comms"], email=NEW))


def apply_confirmed(data: bytes, officer) -> None:
    batch, plan = import_batch_create(kind="roster", data=data, filename="esr.csv", user=officer)
    import_batch_apply(batch=batch, user=officer, background=False, confirmed_identity=plan.identity_fingerprint)


def test_the_account_moves_with_the_employee_number(
    client, grace, officer, teams, mailoutbox, django_capture_on_commit_callbacks
):
    factories.sign_in(client, grace.user)
    assert client.get("/training/").status_code == 200
    epoch = grace.user.session_epoch

    with django_capture_on_commit_callbacks(execute=True):
        apply_confirmed(reused_number(teams), officer)

    user = get_user_model().objects.get(pk=grace.user_id)
    assert user.email == NEW and user.session_epoch == epoch + 1
    assert StaffMember.objects.get(employee_number="1001").user_id == user.pk  # one account, not two
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        (NEW, True, True)
    ]
    assert client.get("/training/").status_code == 302  # the old holder's session has ended

    assert sorted(message.to[0] for message in mailoutbox) == [OLD, NEW]
    for message in mailoutbox:
        assert "changed" in message.subject
        assert f"from {OLD}" in message.body and NEW in message.body
        assert "an HR import" in message.body and "Hana Ray in HR (hana.ray@example.nhs.uk)" in message.body
    to_old = next(m for m in mailoutbox if m.to == [OLD])
    assert f"You can no longer sign in with {OLD}" in to_old.body


def test_the_old_email_no_longer_signs_in_and_the_new_one_does(client, grace, officer, teams):
    apply_confirmed(reused_number(teams), officer)
    refused = client.post("/accounts/login/", {"login": OLD, "password": factories.PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    client.post("/accounts/login/", {"login": NEW, "password": factories.PASSWORD})
    assert client.session["_auth_user_id"] == str(grace.user_id)


def test_the_dry_run_says_what_confirming_does(client, grace, officer, teams):
    factories.with_mfa(officer)
    factories.sign_in(client, officer)
    batch, _ = import_batch_create(kind="roster", data=reused_number(teams), filename="esr.csv", user=officer)
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "keeps the account and its training history with the employee number" in page
    assert "If this is a different person, do not confirm" in page


def test_an_address_another_account_signs_in_with_is_refused(grace, teams):
    factories.make_user(email=NEW)  # an account with no roster record, e.g. an administrator's
    plan = plan_roster(reused_number(teams))
    assert not plan.can_apply and not plan.identity
    assert plan.rejected == [(2, f"Work Email '{NEW}' is how another account signs in")]


def _editor(user) -> None:
    editors = Group.objects.create(name="Editors of the policy")
    editors.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    user.groups.add(editors)


def _editor_by_own_permission(user) -> None:
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))


def _superuser(user) -> None:
    user.is_superuser = True
    user.save()


@pytest.mark.parametrize("make_privileged", [_editor, _editor_by_own_permission, _superuser])
def test_the_sign_in_email_of_an_editor_or_a_superuser_is_never_changed(grace, teams, make_privileged):
    make_privileged(grace.user)
    plan = plan_roster(reused_number(teams))
    assert not plan.can_apply and not plan.identity
    ((line, reason),) = plan.rejected
    assert line == 2 and reason.startswith(f"Work Email of Grace Jones (employee 1001) would change from {OLD}")
    assert "has HR or editor rights" in reason
    assert get_user_model().objects.get(pk=grace.user_id).email == OLD
