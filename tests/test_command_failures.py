"""The commands that change data (setup_site, rebuild_status, keep_figures, send_reminders) end an unexpected failure
(the database goes away part way) with a CommandError naming what failed, the exception's class and message, what
was kept, and where the details are, not in a Python traceback; with --traceback the exception itself goes through.
The import commands: tests/compliance/test_import_command_unexpected_failure.py and
tests/modules/test_import_policy_unexpected_failure.py."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import timezone
from wagtail.models import Page, Site

from modules.management.commands import setup_site
from modules.models import HomePage
from portal.compliance import projection, tasks
from portal.compliance.management.commands import send_reminders
from portal.compliance.models import ReminderLog, RequirementStatus
from portal.reports import kept
from portal.reports.models import KeptDay
from tests import factories
from tests.modules.test_setup_site_command import fresh_install  # noqa: F401

DETAILS = "The details are in the server's log; run the command again with --traceback to see them here."
GONE = "server closed the connection unexpectedly"


def refusal(*command) -> str:
    with pytest.raises(CommandError) as refused:
        call_command(*command, stdout=StringIO())
    return str(refused.value)


def test_setup_site_that_fails_part_way_changes_nothing(fresh_install, monkeypatch):  # noqa: F811
    def fails(root, home):  # the home page is made by now: it must go back
        raise DatabaseError(GONE)

    monkeypatch.setattr(setup_site, "_welcome_page_remove", fails)
    before = (Page.objects.count(), list(Site.objects.values_list("root_page_id", "hostname", "port")))
    assert (
        refusal("setup_site")
        == f"Setting up the site failed with DatabaseError: {GONE}\nNothing was changed. {DETAILS}"
    )
    assert (Page.objects.count(), list(Site.objects.values_list("root_page_id", "hostname", "port"))) == before
    assert not HomePage.objects.exists()


def test_rebuild_status_that_fails_part_way_changes_nothing(db, monkeypatch):
    staff, requirement = factories.make_staff(), factories.make_requirement()
    factories.make_completion(staff, requirement)
    rows = list(RequirementStatus.objects.values_list("staff_id", "requirement_id", "completed_on", "due_on"))

    def fails(**kwargs):
        RequirementStatus.objects.all().delete()  # part way through writing the table
        raise DatabaseError(GONE)

    monkeypatch.setattr(projection, "refresh", fails)
    assert refusal("rebuild_status") == (
        f"Rebuilding the status failed with DatabaseError: {GONE}\nNothing was changed: the status table is as it "
        f"was. {DETAILS}"
    )
    assert list(RequirementStatus.objects.values_list("staff_id", "requirement_id", "completed_on", "due_on")) == rows
    with pytest.raises(DatabaseError, match=GONE):
        call_command("rebuild_status", "--traceback", stdout=StringIO())


def test_keep_figures_that_fails_part_way_keeps_the_days_before_and_says_so(db, monkeypatch):
    real, calls = kept.standings_as_at, []

    def fails_on_the_second_day(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise DatabaseError(GONE)
        return real(*args, **kwargs)

    monkeypatch.setattr(kept, "standings_as_at", fails_on_the_second_day)
    first, second = (timezone.localdate() - datetime.timedelta(days=n) for n in (3, 2))
    assert refusal("keep_figures", "--days", "3") == (
        f"Keeping the figures failed with DatabaseError: {GONE}\nThis run kept the figures for 1 day before it failed; "
        f"those stay. It stopped at {second:%-d %B %Y}, with 2 days still to do: run it again to fill them in (a day "
        f"already kept is not computed again). {DETAILS}"
    )
    assert list(KeptDay.objects.values_list("day", flat=True)) == [first]


def test_keep_figures_that_fails_on_its_first_day_keeps_nothing(db, monkeypatch):
    def fails(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(kept, "standings_as_at", fails)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert refusal("keep_figures") == (
        f"Keeping the figures failed with RuntimeError: out of memory\nIt stopped at {yesterday:%-d %B %Y}, with 1 day "
        f"still to do: run it again to fill them in (a day already kept is not computed again). {DETAILS}"
    )
    assert not KeptDay.objects.exists()
    with pytest.raises(RuntimeError, match="out of memory"):
        call_command("keep_figures", "--traceback", stdout=StringIO())


def test_reminders_that_cannot_be_queued_send_nothing(db, monkeypatch):
    class Unqueued:
        def enqueue(self, day):
            raise DatabaseError(GONE)

    monkeypatch.setattr(send_reminders, "send_reminders_task", Unqueued())
    today = timezone.localdate()
    assert refusal("send_reminders") == (
        f"Queuing the reminders for {today:%-d %B %Y} failed with DatabaseError: {GONE}\nNothing was sent. {DETAILS}"
    )
    assert not ReminderLog.objects.exists()


def test_a_reminder_run_that_fails_names_the_failure_not_its_traceback(db, monkeypatch):
    def fails(on):
        raise RuntimeError("the email server went away")

    monkeypatch.setattr(tasks, "reminders_send", fails)
    today = timezone.localdate()
    message = refusal("send_reminders")
    assert message == (
        f"The reminder run for {today:%-d %B %Y} failed with RuntimeError: the email server went away\n"
        "Reminders sent before it failed stay sent, and each goes once, ever: run send_reminders again for the same "
        f"day to send the rest. {DETAILS}"
    )
    assert "Traceback" not in message
    with pytest.raises(CommandError, match=r"(?s)Traceback \(most recent call last\).*the email server went away"):
        call_command("send_reminders", "--traceback", stdout=StringIO())
