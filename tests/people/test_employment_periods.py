"""A person's periods of employment, from their roster rows in the order recorded: a start date after the leave date
before it is a new period (someone taken on again); anything else corrects the period it reaches. And the roster
import dates the row of someone taken on again from their new start date, as a starter's first row is."""

import datetime
from types import SimpleNamespace

import pytest

from portal.lib.csvfiles import show_date
from portal.people.history import employed_on, employment_periods, period_on
from portal.people.models import StaffChange, StaffMember
from tests.people.roster_doors import esr_file, esr_row, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)

D = datetime.date


def rows(*said):
    """Roster rows saying (start, leave), recorded one after another."""
    at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    return [
        SimpleNamespace(start_date=start, leave_date=leave, recorded_at=at + datetime.timedelta(hours=n), pk=n)
        for n, (start, leave) in enumerate(said)
    ]


@pytest.mark.parametrize(
    ("said", "periods"),
    [
        ([(D(2020, 1, 1), None)], [(D(2020, 1, 1), None)]),
        # left, then taken on again
        (
            [(D(2020, 1, 1), None), (D(2020, 1, 1), D(2022, 6, 30)), (D(2024, 3, 1), None)],
            [(D(2020, 1, 1), D(2022, 6, 30)), (D(2024, 3, 1), None)],
        ),
        # taken on again the day after leaving: two periods, one after the other
        (
            [(D(2020, 1, 1), D(2022, 6, 30)), (D(2022, 7, 1), None)],
            [(D(2020, 1, 1), D(2022, 6, 30)), (D(2022, 7, 1), None)],
        ),
        # a leave date cleared (a termination withdrawn): one period
        ([(D(2020, 1, 1), D(2022, 6, 30)), (D(2020, 1, 1), None)], [(D(2020, 1, 1), None)]),
        # a start date corrected, before and after it: the latest word
        ([(D(2020, 1, 1), None), (D(2020, 2, 1), None)], [(D(2020, 2, 1), None)]),
        ([(D(2020, 2, 1), None), (D(2020, 1, 1), None)], [(D(2020, 1, 1), None)]),
        # a return undone (the new start was a mistake): back to the first period alone
        (
            [(D(2020, 1, 1), D(2022, 6, 30)), (D(2024, 3, 1), None), (D(2020, 1, 1), D(2022, 6, 30))],
            [(D(2020, 1, 1), D(2022, 6, 30))],
        ),
        # three periods
        (
            [(D(2018, 1, 1), D(2019, 1, 1)), (D(2020, 1, 1), D(2021, 1, 1)), (D(2023, 1, 1), None)],
            [(D(2018, 1, 1), D(2019, 1, 1)), (D(2020, 1, 1), D(2021, 1, 1)), (D(2023, 1, 1), None)],
        ),
    ],
)
def test_periods_from_the_rows_in_the_order_recorded(said, periods):
    assert list(employment_periods(reversed(rows(*said)))) == periods


def test_the_person_as_held_now_is_the_newest_word_and_no_rows_is_one_period():
    first = rows((D(2020, 1, 1), D(2022, 6, 30)))
    assert employment_periods(first, D(2024, 3, 1), None) == ((D(2020, 1, 1), D(2022, 6, 30)), (D(2024, 3, 1), None))
    assert employment_periods([], D(2024, 3, 1), None) == ((D(2024, 3, 1), None),)


def test_the_period_holding_a_day():
    periods = ((D(2020, 1, 1), D(2022, 6, 30)), (D(2024, 3, 1), None))
    assert period_on(periods, D(2020, 1, 1)) == periods[0]
    assert period_on(periods, D(2022, 6, 30)) == periods[0]  # the leave date is the last day of service
    assert period_on(periods, D(2022, 7, 1)) is None
    assert period_on(periods, D(2024, 2, 29)) is None
    assert period_on(periods, D(2030, 1, 1)) == periods[1]
    assert period_on(periods, D(2019, 12, 31)) is None


def _roster(teams, start, leave="31/12/4712", code="comms", assignment="10000005-1"):
    row = esr_row("10000005", assignment, code=teams[code].code, start=show_date(start), leave=leave)
    upload_and_apply(esr_file(row))


def test_the_roster_import_gives_someone_taken_on_again_a_row_from_their_new_start_date(teams):
    _roster(teams, D(2020, 1, 6))
    _roster(teams, D(2020, 1, 6), leave="30/06/2022")
    _roster(teams, D(2024, 3, 1), code="finance", assignment="10000005-2")

    sam = StaffMember.objects.get(employee_number="10000005")
    latest = StaffChange.objects.filter(staff=sam).latest("recorded_at", "pk")
    assert (latest.effective_on, latest.team_id) == (D(2024, 3, 1), teams["finance"].pk)
    assert employed_on(sam, D(2021, 5, 5)) and employed_on(sam, D(2024, 3, 1))
    assert not employed_on(sam, D(2023, 1, 1)) and not employed_on(sam, D(2019, 1, 1))


def test_a_start_date_corrected_takes_effect_as_any_change_does(teams):
    """Not a return: no leave date came before it, so it is dated as other changes are (the day applied)."""
    _roster(teams, D(2020, 1, 6))
    _roster(teams, D(2020, 2, 6), code="finance")
    latest = StaffChange.objects.latest("recorded_at", "pk")
    assert latest.effective_on != D(2020, 2, 6)
    assert employment_periods(StaffChange.objects.all()) == ((D(2020, 2, 6), None),)
