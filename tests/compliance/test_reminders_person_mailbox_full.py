# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""A person whose own mailbox answers every day with a temporary failure (a 4xx to the address: "452 mailbox full"):
before, their overdue reminder was tried every day for ever, never sent, and as the manager's and HR's stages wait for
it, nobody heard, however long they stayed overdue. Now, as for a manager's address
(test_reminders_manager_mailbox_full), their overdue reminder refused, for now or for good, on REFUSED_FOR_NOW_AFTER (5)
London days lets the ladder go on as if it had gone on the first of them; the manager and HR are told, in plain words,
that the person's mailbox is not taking email (the address is fine: nothing to check in ESR). Refused for good on
UNDELIVERABLE_AFTER (3) days is as before (test_reminders_undeliverable), and wins when both are reached."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from portal.compliance.dates import local_day
from portal.compliance.models import ReminderRefusal
from portal.compliance.reminder_refusals import REFUSED_FOR_NOW_AFTER, Refused, undeliverable_since
from portal.compliance.reminder_sending import reminders_send
from tests.compliance.test_reminders import GRACE, HR, NURSES, SAM, START, daily, day, org, run  # noqa: F401
from tests.compliance.test_reminders_undeliverable import ANSWER, reachable_colleague

FULL = {"code": 452, "text": b"4.2.2 mailbox full"}
GONE = {"code": 550, "text": b"5.1.1 mailbox unavailable"}
FOR_NOW = (
    "We could not email Sam O'Neill at sam@example.nhs.uk: their mailbox did not take our email on any of the 5 days "
    "we tried (the mail server said to try later: a full mailbox, say)."
)


@pytest.fixture
def mailbox_full(settings):
    """Sam's mailbox answers FULL (a 4xx) to every email; set ANSWER to GONE for a 5xx."""
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_undeliverable.RefusesSamBackend"
    ANSWER.update(FULL)
    yield ANSWER
    ANSWER.update(GONE)


def _tried_days() -> list[datetime.date]:
    """The London days Sam's overdue reminder was tried, once for each try."""
    return [
        local_day(moment)
        for moment in ReminderRefusal.objects.filter(stage="after")
        .order_by("refused_at")
        .values_list("refused_at", flat=True)
    ]


def _overdue_to(outbox, address):
    (message,) = [m for m in outbox if m.to == [address] and "overdue with" in m.subject]
    return message.body


def test_refused_for_now_on_four_days_the_manager_is_not_told_and_the_person_is_tried_again(org, run, mailbox_full):
    assert REFUSED_FOR_NOW_AFTER == 5
    assert daily(run, 7, 10) == {}
    # Day 16, past the manager's day: Sam is tried again (a fifth day), and Grace is not told on that run ...
    assert daily(run, 16, 16) == {}
    assert _tried_days() == [day(offset) for offset in (7, 8, 9, 10, 16)]
    assert not ReminderRefusal.objects.filter(for_good=True).exists()
    # ... but on the next: counted from day 7, her day has come.
    assert daily(run, 17, 17) == {17: [("manager", GRACE)]}


def test_refused_for_now_on_five_days_the_ladder_goes_on_from_the_first(org, run, mailbox_full, mailoutbox):
    # First tried on day 9 (no run before): the manager's day is day 9 plus the week between the stages, HR's a
    # fortnight after that, and Sam is not tried after his fifth day.
    assert daily(run, 9, 40) == {16: [("manager", GRACE)], 30: [("hr", HR)]}
    assert _tried_days() == [day(offset) for offset in range(9, 14)]
    to_grace = _overdue_to(mailoutbox, GRACE)
    assert (
        f"{FOR_NOW} Please tell them, and that their mailbox is not taking email. Please also help them find the time "
        "to do it." in to_grace
    ), to_grace
    (to_hr,) = [m.body for m in mailoutbox if m.to == [HR]]
    assert (
        f"{FOR_NOW} Please tell them, or ask their manager to, and that their mailbox is not taking email. We have "
        "told their line manager." in to_hr
    ), to_hr
    for body in (to_grace, to_hr):
        assert "refused" not in body and "ESR" not in body  # the address is fine: nothing to mend
        assert "We have reminded Sam" not in body


def test_the_lists_name_the_mailbox_not_taking_email_against_the_person(org, run, mailbox_full, mailoutbox):
    reachable_colleague(org)
    daily(run, 0, 28)
    to_grace = _overdue_to(mailoutbox, GRACE)
    assert f"{FOR_NOW} Please tell them, and that their mailbox is not taking email." in to_grace, to_grace
    assert "We could not email Pat" not in to_grace
    assert "We have reminded each of them by email, except where it says we could not." in to_grace
    (to_hr,) = [m.body for m in mailoutbox if m.to == [HR]]
    assert "These 2 people have not yet completed this training." in to_hr
    assert "(except where it says we could not remind them)" in to_hr, to_hr
    assert (
        "Email: sam@example.nhs.uk: their mailbox did not take our email on any of the 5 days we tried (the mail "
        "server said to try later: a full mailbox, say), so we could not remind them. Please tell them, or ask their "
        "manager to, and that their mailbox is not taking email." in to_hr
    ), to_hr
    assert to_hr.count("did not take our email on any") == 1  # not against Pat, who was reminded
    assert "refused" not in to_hr and "ESR" not in to_hr


def test_retries_on_the_same_london_day_are_not_more_days(org, run, mailbox_full, monkeypatch):
    london = zoneinfo.ZoneInfo("Europe/London")
    for offset in range(7, 11):
        run(day(offset))
        run(day(offset))  # the run again that morning
        late = datetime.datetime.combine(day(offset), datetime.time(23, 30), tzinfo=london)
        monkeypatch.setattr(timezone, "now", lambda moment=late: moment)
        reminders_send(day(offset))  # and late that evening
    assert len(_tried_days()) == 12 and len(set(_tried_days())) == 4
    assert daily(run, 14, 14) == {}  # four days, not twelve: Sam is tried on a fifth, Grace not told
    assert daily(run, 15, 15) == {15: [("manager", GRACE)]}


@pytest.mark.parametrize(
    ("answers", "manager_day", "for_good"),
    [
        # 5 days refused, only 2 of them for good: passed over for now, from the first refusal
        ([FULL] * 3 + [GONE] * 2, 14, False),
        # 3 for good by the fifth day: for good wins, counted from the first refusal for good (day 9)
        ([FULL] * 2 + [GONE] * 3, 16, True),
    ],
    ids=["3 for now, 2 for good", "2 for now, 3 for good"],
)
def test_refusals_for_now_and_for_good_mixed(org, run, mailbox_full, mailoutbox, answers, manager_day, for_good):
    for offset, answer in enumerate(answers, start=7):
        mailbox_full.update(answer)
        assert daily(run, offset, offset) == {}
    assert daily(run, 12, 20) == {manager_day: [("manager", GRACE)]}
    assert len(_tried_days()) == 5
    to_grace = _overdue_to(mailoutbox, GRACE)
    refused = "We could not email Sam O'Neill at sam@example.nhs.uk: the mail server refused it. Please tell them, and "
    assert ((refused + "check the address in ESR.") in to_grace) == for_good, to_grace
    assert (FOR_NOW in to_grace) != for_good, to_grace


def _refused(for_now: list[int], for_good: list[int]) -> Refused:
    refused = Refused()
    for offset in sorted(for_now + for_good):
        refused.add(datetime.date(2026, 2, 1) + datetime.timedelta(days=offset), for_good=offset in for_good)
    return refused


@pytest.mark.parametrize(
    ("for_now", "for_good", "expected"),
    [
        ([], [], None),
        ([1, 2, 3, 4], [], None),
        ([1, 2, 3, 4, 5], [], (1, False)),
        ([], [2, 3], None),
        ([], [2, 3, 4], (2, True)),
        ([1, 2, 3], [4, 5], (1, False)),
        ([1, 2], [3, 4, 5], (3, True)),
        ([1], [2, 3, 4], (2, True)),
    ],
)
def test_when_the_ladder_goes_on_without_the_persons_overdue_reminder(for_now, for_good, expected):
    since = undeliverable_since(_refused(for_now, for_good))
    if expected is None:
        assert since is None
    else:
        offset, is_for_good = expected
        assert since == (datetime.date(2026, 2, 1) + datetime.timedelta(days=offset), is_for_good)
