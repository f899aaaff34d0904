"""A date written with a time and its offset from UTC ("2026-06-30T23:30:00Z", as some e-learning systems export a
completion) is the day of that moment in London, as the portal files everything done in it: 23:30 UTC on 30 June is
00:30 BST on 1 July. Before, the time was cut off and the day written kept, so a completion just after midnight in
summer was filed a day early (its expiry a day early, a late one on time). A time with no offset is read as today:
the day written."""

import datetime

import pytest

from portal.compliance.completions import plan_completions
from portal.lib.csvfiles import parse_date
from portal.people.roster import plan_roster
from tests.compliance.test_completions import ADULTS, adults, esr, people  # noqa: F401 (fixtures)
from tests.people.conftest import roster_csv, row, teams  # noqa: F401 (fixtures)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-06-30T23:30:00Z", "2026-07-01"),  # BST: 00:30 on 1 July in London
        ("2026-06-30T23:30:00+00:00", "2026-07-01"),
        ("2026-06-30T22:59:59Z", "2026-06-30"),  # 23:59:59 BST, still 30 June
        ("2026-03-31T23:30:00.250Z", "2026-04-01"),  # the clocks went forward on 29 March
        ("2026-01-31T23:30:00Z", "2026-01-31"),  # GMT: London is UTC in winter
        ("2026-07-01T01:30:00+0200", "2026-07-01"),  # 00:30 BST
        ("2026-06-30T19:30:00-04:00", "2026-07-01"),  # 23:30 UTC
        ("30/06/2026 11:30 PM Z", "2026-07-01"),
        ("2026-10-25T00:30:00Z", "2026-10-25"),  # the clocks go back at 01:00 UTC: 01:30 BST
        # No offset: the day written, whatever the time.
        ("2026-06-30T23:30:00", "2026-06-30"),
        ("30/06/2026 23:30", "2026-06-30"),
        ("30-Jun-2026 09:30:15", "2026-06-30"),
    ],
)
def test_a_time_with_its_offset_is_filed_on_the_london_day(text, day):
    assert parse_date(text).isoformat() == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-06-30T25:30:00Z", "'25:30:00Z' is not a time with its offset from UTC"),
        ("2026-06-30T10:00:00+25:00", "'10:00:00+25:00' is not a time with its offset from UTC"),
        ("2026-06-30 13:30 PM Z", "'13:30 PM Z' is not a time: with AM or PM the hour is 1 to 12"),
    ],
)
def test_a_time_that_cannot_be_is_refused_naming_it(text, message):
    with pytest.raises(ValueError, match=message.replace("+", r"\+")):
        parse_date(text)


def test_a_completion_at_half_past_midnight_in_summer_is_recorded_on_that_day(people, adults):  # noqa: F811
    plan = plan_completions(esr(f'"20001|Jones, Grace","{ADULTS}",2026-06-30T23:30:00Z,2029-06-30T23:30:00Z'))
    assert plan.can_apply, plan.rejected
    [record] = plan.to_record
    assert (record.completed_on, record.expires_on) == (datetime.date(2026, 7, 1), datetime.date(2029, 7, 1))


def test_a_roster_date_with_its_offset_is_the_london_day(roster_csv, teams):  # noqa: F811
    data = roster_csv(row("3001", "Ann", "Lee", teams["comms"], start="2026-03-31T23:30:00Z")).encode()
    plan = plan_roster(data)
    assert plan.can_apply, (plan.rejected, plan.problems)
    assert plan.to_create[0].fields["start_date"] == datetime.date(2026, 4, 1)
