"""A leave date cleared or moved on (a corrected termination date, a returner under the same employee number) opens
again the account the roster closed, in the same apply: they can sign in, every old session has ended, and someone
who never set a password is invited. An account closed by hand stays closed, whatever its sign-in email is now."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.lib.csvfiles import show_date
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, upload, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)


def _left():
    return show_date(timezone.localdate() - datetime.timedelta(days=10))


def roster(teams, leave: str) -> bytes:
    return esr_file(esr_row("10000005", "10000005-1", code=teams["comms"].code, leave=leave))


def account():
    return get_user_model().objects.get(staff__employee_number="10000005")


def signs_in(client) -> bool:
    client.post("/accounts/login/", {"login": "sam.10000005@example.nhs.uk", "password": factories.PASSWORD})
    return client.get("/training/").status_code == 200


@pytest.fixture
def left(teams):
    """Sam had set a password, then a roster gave them a leave date that has passed, closing their account."""
    upload_and_apply(roster(teams, ""))
    user = account()
    user.set_password(factories.PASSWORD)
    user.save()
    upload_and_apply(roster(teams, _left()))
    assert not account().is_active
    return user


# Days from today (0, 90) are shown as the roster shows them in the test: read when the file was imported, a run going
# past midnight sent a day other than the one the test means.
@pytest.mark.parametrize("leave", ["", "31/12/4712", 0, 90])
def test_a_leave_date_cleared_or_moved_on_opens_the_account_again(
    client, left, teams, leave, mailoutbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    if isinstance(leave, int):
        leave = show_date(today + datetime.timedelta(days=leave))
    epoch = account().session_epoch
    _, plan = upload(roster(teams, leave))
    assert [s.employee_number for s in plan.returners] == ["10000005"] and not account().is_active  # a dry run

    with django_capture_on_commit_callbacks(execute=True):
        batch = upload_and_apply(roster(teams, leave))

    user = account()
    assert user.is_active and user.session_epoch == epoch + 1
    assert signs_in(client)
    assert mailoutbox == [] and batch.summary["invited"] == 0  # they have a password: nothing to set up
    opened = AuditEvent.objects.get(action=AuditEvent.ROLE_CHANGED, scope__startswith=f"{user.email}: is_active now")
    assert opened.actor_name == "a roster import" and "now True" in opened.scope


def test_someone_who_never_set_a_password_is_invited(client, teams, mailoutbox, django_capture_on_commit_callbacks):
    upload_and_apply(roster(teams, _left()))  # added as a leaver: their history counts, no invitation
    assert not account().is_active and not account().has_usable_password()

    with django_capture_on_commit_callbacks(execute=True):
        batch = upload_and_apply(roster(teams, ""))

    batch.refresh_from_db()  # invitations are counted as they go, once the apply has committed
    assert account().is_active and batch.summary["invited"] == 1
    (invitation,) = mailoutbox
    assert invitation.to == ["sam.10000005@example.nhs.uk"] and "/accounts/password/reset/key/" in invitation.body


def test_an_account_closed_by_hand_stays_closed(client, teams, mailoutbox, django_capture_on_commit_callbacks):
    upload_and_apply(roster(teams, ""))
    user = account()
    user.set_password(factories.PASSWORD)
    user.is_active = False  # closed in the CMS's user editor (audited by portal.accounts.receivers)
    user.save()
    upload_and_apply(roster(teams, _left()))
    epoch = account().session_epoch

    with django_capture_on_commit_callbacks(execute=True):
        upload_and_apply(roster(teams, ""))

    assert StaffMember.objects.get().leave_date is None
    user = account()
    assert not user.is_active and user.closed_by_hand and user.session_epoch == epoch and mailoutbox == []
    assert not signs_in(client)


def test_an_account_closed_by_hand_stays_closed_after_its_sign_in_email_moved(teams):
    """The account carries the closing by hand, so a new sign-in email (a confirmed roster change here; the audit
    log's entries still name the old one) does not hide it."""
    upload_and_apply(roster(teams, ""))
    user = account()
    user.is_active = False  # closed in the CMS's user editor
    user.save()
    moved = "samantha.taylor@example.nhs.uk"
    leaves = esr_file(esr_row("10000005", "10000005-1", code=teams["comms"].code, email=moved, leave=_left()))
    _, plan = upload(leaves)
    upload_and_apply(leaves, confirmed_identity=plan.identity_fingerprint)
    assert account().email == moved and not account().is_active
    epoch = account().session_epoch

    upload_and_apply(esr_file(esr_row("10000005", "10000005-1", code=teams["comms"].code, email=moved)))

    assert StaffMember.objects.get().leave_date is None
    user = account()
    assert not user.is_active and user.closed_by_hand and user.session_epoch == epoch


def test_an_account_closed_by_the_roster_is_not_marked_closed_by_hand_and_opens_again(left, teams):
    assert not account().closed_by_hand
    upload_and_apply(roster(teams, ""))
    assert account().is_active and not account().closed_by_hand


def test_an_account_hr_made_already_closed_stays_closed_when_the_roster_brings_the_person_back(teams):
    """HR made the account closed (a command, the shell) before the roster first named the person, then as a leaver:
    it was closed by a person, not by the roster at a leave date, so a roster clearing that date leaves it closed."""
    get_user_model().objects.create_user(email="sam.10000005@example.nhs.uk", is_active=False)
    upload_and_apply(roster(teams, _left()))
    assert StaffMember.objects.get().user_id == account().pk

    upload_and_apply(roster(teams, ""))

    user = account()
    assert not user.is_active and user.closed_by_hand


def test_an_account_the_roster_made_closed_for_a_leaver_is_not_closed_by_hand_and_opens_again(teams):
    upload_and_apply(roster(teams, _left()))
    assert not account().is_active and not account().closed_by_hand
    upload_and_apply(roster(teams, ""))
    assert account().is_active


def test_an_account_opened_by_hand_and_closed_by_the_roster_opens_again(teams):
    upload_and_apply(roster(teams, ""))
    user = account()
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    assert not account().closed_by_hand  # opening it by hand took the mark away
    upload_and_apply(roster(teams, _left()))
    assert not account().is_active
    upload_and_apply(roster(teams, ""))
    assert account().is_active


def test_a_leaver_still_leaving_is_not_opened(left, teams):
    today = timezone.localdate()
    earlier = show_date(today - datetime.timedelta(days=40))
    _, plan = upload(roster(teams, earlier))
    assert plan.returners == [] and plan.leavers == []
    upload_and_apply(roster(teams, earlier))
    assert not account().is_active


def test_the_dry_run_page_lists_who_returns(left, teams):
    """HR sees, before applying, whose account the file opens again."""
    hr = factories.make_user()
    hr.groups.add(hr_group())
    browser = factories.sign_in(Client(), factories.with_mfa(hr))
    batch, _ = upload(roster(teams, ""))
    page = browser.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "<h2>Returning</h2>" in page
    assert page.index("<h2>Returning</h2>") < page.index("10000005 Sam", page.index("<h2>Returning</h2>"))
    assert not account().is_active  # the page changed nothing
