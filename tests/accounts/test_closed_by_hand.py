"""An account closed by a person, through any door (the Wagtail admin's user editor, its user list's "Set active
state", a save in a command or the shell), or made already closed by one, carries the mark `closed_by_hand`, so that a
roster bringing the person back leaves it closed; opening it again by hand clears the mark. Migration accounts 0004
marks the accounts closed before the field existed, from the audit log."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from portal.audit.models import AuditEvent
from tests import factories

mark_accounts_closed_by_hand = import_module(
    "portal.accounts.migrations.0004_user_closed_by_hand"
).mark_accounts_closed_by_hand


@pytest.fixture
def admin_client(db):
    """A superuser who proved their second factor, in the Wagtail admin."""
    admin = factories.with_mfa(factories.make_user(is_staff=True, is_superuser=True))
    return factories.sign_in(Client(), admin)


@pytest.fixture
def sam(db):
    return factories.make_user(email="sam.taylor@example.nhs.uk", first_name="Sam", last_name="Taylor")


def _account(user):
    return get_user_model().objects.get(pk=user.pk)


def _edit(admin_client, user, *, active: bool):
    data = {"email": user.email, "first_name": user.first_name, "last_name": user.last_name}
    if active:
        data["is_active"] = "on"  # an unticked box is not sent
    response = admin_client.post(reverse("wagtailusers_users:edit", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _set_active_state(admin_client, user, *, active: bool):
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "set_active_state"]) + f"?id={user.pk}"
    response = admin_client.post(url, {"mark_as_active": str(active)})
    assert response.status_code == 302


def _closings(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED, scope__startswith=f"{user.email}: is_active now")
        .order_by("pk")
        .values_list("scope", flat=True)
    )


def test_closing_in_the_user_editor_marks_the_account_and_opening_it_clears_the_mark(admin_client, sam):
    _edit(admin_client, sam, active=False)
    user = _account(sam)
    assert not user.is_active and user.closed_by_hand

    _edit(admin_client, sam, active=True)
    user = _account(sam)
    assert user.is_active and not user.closed_by_hand


def test_the_user_lists_set_active_state_marks_audits_and_ends_sessions_as_the_editor_does(admin_client, sam):
    """Wagtail's bulk action writes with one UPDATE no receiver sees; the accounts hook saves each account first."""
    epoch = sam.session_epoch

    _set_active_state(admin_client, sam, active=False)

    user = _account(sam)
    assert not user.is_active and user.closed_by_hand and user.session_epoch == epoch + 1
    assert _closings(sam) == [f"{sam.email}: is_active now False"]

    _set_active_state(admin_client, sam, active=True)

    user = _account(sam)
    assert user.is_active and not user.closed_by_hand and user.session_epoch == epoch + 2
    assert _closings(sam)[-1] == f"{sam.email}: is_active now True"


def test_a_save_of_is_active_alone_writes_the_mark_too(sam):
    """A command or the shell saving only the field it changed: the mark is written beside it."""
    sam.is_active = False
    sam.save(update_fields=["is_active"])
    assert _account(sam).closed_by_hand

    sam.is_active = True
    sam.save(update_fields=["is_active"])
    assert not _account(sam).closed_by_hand


def test_a_save_that_does_not_write_is_active_leaves_the_mark_alone(sam):
    stale = _account(sam)
    sam.is_active = False
    sam.save()
    stale.first_name = "Samantha"
    stale.save(update_fields=["first_name", "session_epoch"])  # its is_active (True) is not written
    user = _account(sam)
    assert not user.is_active and user.closed_by_hand and user.first_name == "Samantha"


@pytest.mark.parametrize("active", [False, True])
def test_an_account_a_person_makes_already_closed_is_closed_by_hand(db, active):
    """A command or the shell making an account closed ("not yet", or "never"): as if made and then closed. The
    roster makes its leavers' accounts in bulk, which no receiver sees (tests/people/test_roster_returners.py)."""
    user = get_user_model().objects.create_user(email="kim.lee@example.nhs.uk", is_active=active)
    assert _account(user).closed_by_hand is not active


def test_the_migration_marks_accounts_whose_last_change_of_active_in_the_audit_log_closed_them(db):
    by_hand = factories.make_user()
    opened_since = factories.make_user()
    by_the_roster = factories.make_user()
    for user in (by_hand, opened_since):
        user.is_active = False
        user.save()  # audited "...: is_active now False"
    opened_since.is_active = True
    opened_since.save()  # audited "...: is_active now True"
    AuditEvent.objects.create(  # a later change of something else says nothing about closing
        action=AuditEvent.ROLE_CHANGED, actor_name="HR", scope=f"{by_hand.email}: is_superuser now False"
    )
    # The roster's own closing is an UPDATE, never audited; and before the field existed, no account was marked.
    get_user_model().objects.filter(pk__in=[opened_since.pk, by_the_roster.pk]).update(is_active=False)
    get_user_model().objects.update(closed_by_hand=False)

    mark_accounts_closed_by_hand(apps, SimpleNamespace(connection=connection))

    marked = set(get_user_model().objects.filter(closed_by_hand=True).values_list("pk", flat=True))
    assert marked == {by_hand.pk}
