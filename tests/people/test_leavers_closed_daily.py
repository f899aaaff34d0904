"""The daily run (send_reminders, from cron) closes the account of everyone whose leave date has passed, as the roster
apply does, so that an account is not left open, and counted active, until the next roster file: inactive, every
session ended, one audit line; an account already closed is left alone, and `closed_by_hand` is never set."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.roster import roster_apply
from portal.compliance.tasks import send_reminders_task
from portal.people.leavers import leaver_accounts_close
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from portal.people.roster import plan_roster
from tests import factories
from tests.people.conftest import row


def _yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def account(staff):
    return get_user_model().objects.get(pk=staff.user_id)


def closings(staff):
    return AuditEvent.objects.filter(
        action=AuditEvent.ROLE_CHANGED, scope__startswith=f"{staff.user.email}: is_active now False"
    )


def daily_run():
    call_command("send_reminders", stdout=StringIO())


@pytest.fixture
def team(db):
    return factories.make_team("Communications", kind="organisation")


def test_someone_whose_last_day_was_yesterday_is_closed_by_the_daily_run_and_their_sessions_end(team):
    staff = factories.make_staff(team=team, leave_date=_yesterday())
    epoch = account(staff).session_epoch

    daily_run()

    user = account(staff)
    assert not user.is_active and user.session_epoch == epoch + 1
    assert not user.closed_by_hand  # the roster may open it again, should it clear the leave date
    closing = closings(staff).get()
    assert closing.actor is None and closing.actor_name == "the daily run"
    assert closing.detail == {"user_id": user.pk, "staff_id": staff.pk, "leave_date": _yesterday().isoformat()}


def test_someone_leaving_today_is_in_post_and_untouched(team):
    staff = factories.make_staff(team=team, leave_date=timezone.localdate())
    before = account(staff)

    daily_run()

    user = account(staff)
    assert user.is_active and user.session_epoch == before.session_epoch
    assert not closings(staff).exists()


def test_running_twice_closes_once(team):
    staff = factories.make_staff(team=team, leave_date=_yesterday())
    epoch = account(staff).session_epoch

    send_reminders_task.enqueue(timezone.localdate().isoformat())
    send_reminders_task.enqueue(timezone.localdate().isoformat())

    assert account(staff).session_epoch == epoch + 1 and closings(staff).count() == 1
    assert leaver_accounts_close(timezone.localdate(), actor="the daily run") == 0


def test_it_counts_what_it_closed_and_leaves_everyone_else_alone(team):
    left = [factories.make_staff(team=team, leave_date=_yesterday() - datetime.timedelta(days=n)) for n in range(3)]
    staying = [
        factories.make_staff(team=team),
        factories.make_staff(team=team, leave_date=timezone.localdate() + datetime.timedelta(days=30)),
    ]
    no_record = factories.make_user()  # the first HR officer, say, made before any roster named them

    assert leaver_accounts_close(timezone.localdate(), actor="the daily run") == 3

    assert [account(s).is_active for s in left] == [False] * 3
    assert [account(s).is_active for s in staying] == [True] * 2
    no_record.refresh_from_db()
    assert no_record.is_active


def test_a_missed_day_run_again_closes_only_who_had_left_by_then(team):
    """`send_reminders --date D` runs a missed day: someone whose last day was D is still in post on D."""
    staff = factories.make_staff(team=team, leave_date=_yesterday())

    call_command("send_reminders", "--date", _yesterday().isoformat(), stdout=StringIO())
    assert account(staff).is_active

    daily_run()
    assert not account(staff).is_active


def test_an_account_already_closed_is_untouched(team):
    staff = factories.make_staff(team=team, leave_date=_yesterday())
    user = staff.user
    user.is_active = False  # closed by hand, in the CMS's user editor
    user.save()
    epoch, lines = account(staff).session_epoch, AuditEvent.objects.count()

    daily_run()

    user = account(staff)
    assert not user.is_active and user.closed_by_hand and user.session_epoch == epoch
    assert AuditEvent.objects.count() == lines


def test_an_account_opened_again_by_hand_is_closed_as_the_roster_closes_it_and_a_returner_gets_it_back(
    roster_csv, teams
):
    """HR opened by hand the account of someone whose leave date has passed (the sign-in refuses them still): the
    daily run closes it as the roster apply would, without marking it closed by hand, so a roster that clears the
    leave date opens it again."""
    roster_apply(plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"])).encode()))
    staff = StaffMember.objects.get()
    yesterday = _yesterday().strftime("%d/%m/%Y")
    roster_apply(plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"], leave=yesterday)).encode()))
    user = account(staff)
    assert not user.is_active
    user.is_active = True  # opened again in the CMS's user editor
    user.save()
    assert not account(staff).closed_by_hand

    daily_run()

    user = account(staff)
    assert not user.is_active and not user.closed_by_hand
    roster_apply(plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"])).encode()))
    assert account(staff).is_active


def _last_hr_officer_leaves_by_the_roster(roster_csv, teams):
    yesterday = _yesterday().strftime("%d/%m/%Y")
    roster_apply(plan_roster(roster_csv(row("1001", "Hana", "Ray", teams["comms"], leave=yesterday)).encode()))


def _last_hr_officer_leaves_by_the_daily_run(roster_csv, teams):
    StaffMember.objects.update(leave_date=_yesterday())  # their last day was yesterday, on a file applied before
    daily_run()


@pytest.mark.parametrize("door", [_last_hr_officer_leaves_by_the_roster, _last_hr_officer_leaves_by_the_daily_run])
def test_the_last_hr_officer_who_has_left_is_closed_whichever_door_and_keeps_the_role(roster_csv, teams, door):
    """The last HR officer's leave date has passed: the sign-in has refused them since, so closing the account takes
    nothing they could still use. The roster apply closes it as any leaver's; so does the daily run. The role is not
    taken away (the HR group keeps them, as `hr_role_remove` would), so the organisation's HR officers are who they
    were, and a roster that brings them back gives them their account and their role again."""
    roster_apply(plan_roster(roster_csv(row("1001", "Hana", "Ray", teams["comms"])).encode()))
    staff = StaffMember.objects.get()
    staff.user.groups.add(hr_group())
    assert list(hr_group().user_set.filter(is_active=True)) == [staff.user]

    door(roster_csv, teams)

    user = account(staff)
    assert not user.is_active and not user.closed_by_hand
    assert list(hr_group().user_set.all()) == [user]
    roster_apply(plan_roster(roster_csv(row("1001", "Hana", "Ray", teams["comms"])).encode()))
    assert account(staff).is_active and list(hr_group().user_set.all()) == [user]


def test_the_roster_apply_closes_and_audits_someone_whose_last_day_passed_since_an_earlier_file(roster_csv, teams):
    roster_apply(plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"])).encode()))
    staff = StaffMember.objects.get()
    StaffMember.objects.filter(pk=staff.pk).update(leave_date=_yesterday())  # imported yesterday, their last day
    epoch = account(staff).session_epoch

    roster_apply(plan_roster(roster_csv(row("1002", "Bob", "Best", teams["comms"])).encode()))  # Ann not in it

    user = account(staff)
    assert not user.is_active and user.session_epoch == epoch + 1 and not user.closed_by_hand
    assert closings(staff).get().actor_name == "a roster import"
