"""A roster file without a leave-date column checks a closed team against the post's last day (a165ea3), at its
edges: a post that ended the day the team closed or the day before is still its row; one that ended the day after is
refused. A post kept without dates is bounded by its holder's leave date, whichever side of the closing it falls; a
holder who left before the closing bounds a post that ends after it. A file that has the column gives each row its
own: an empty cell says the post has no leave date, so it is refused in the closed team, as is ESR's 31/12/4712."""

import datetime

import pytest

from portal.lib.csvfiles import show_date
from portal.people.models import Assignment
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)
from tests.people.roster_doors import refused_everywhere, upload
from tests.people.test_roster_closed_team_post_dates import (
    OPEN,
    _closed,
    _ended,
    held,
    posts,
    with_leave_column,
    without_leave_column,
)
from tests.people.test_roster_closed_team_post_dates import ward as ward

ONE_DAY = datetime.timedelta(days=1)


def _refusal(ward) -> str:
    return f"Line 3: Team '{ward.code}' closed on {show_date(_closed())}: place the person in an open team"


def _accepted_or_refused(data: bytes, tmp_path, ward, accepted: bool) -> None:
    if accepted:
        _, plan = upload(data)
        assert plan.can_apply, plan.errors
    else:
        refused_everywhere(data, tmp_path, _refusal(ward))


@pytest.mark.parametrize(
    ("days_after_closing", "accepted"),
    [(-1, True), (0, True), (1, False)],
    ids=["the day before the closing", "the day of the closing", "the day after the closing"],
)
def test_a_post_ending_around_the_closing(teams, ward, tmp_path, days_after_closing, accepted):
    bank_left = _closed() + days_after_closing * ONE_DAY
    held(teams, ward, bank_left=show_date(bank_left))
    data = without_leave_column(*posts(teams, ward, bank_left=show_date(bank_left)))
    _accepted_or_refused(data, tmp_path, ward, accepted)


@pytest.mark.parametrize(
    ("days_after_closing", "accepted"),
    [(0, True), (1, False)],
    ids=["holder left the day of the closing", "holder left the day after"],
)
def test_a_post_kept_without_dates_is_bounded_by_its_holder(teams, ward, tmp_path, days_after_closing, accepted):
    person_left = _closed() + days_after_closing * ONE_DAY
    held(teams, ward, person_left=show_date(person_left), bank_left=show_date(person_left))
    Assignment.objects.filter(number="10000005-2").update(start_date=None, leave_date=None)
    data = without_leave_column(*posts(teams, ward, person_left=show_date(person_left)))
    _accepted_or_refused(data, tmp_path, ward, accepted)


def test_a_holder_who_left_before_the_closing_bounds_a_post_ending_after_it(teams, ward):
    """A roster gives a holder the latest of their posts' leave dates; a post's own date kept later than its holder's
    (edited since, or kept from before) is bounded by the holder's: no post outlasts its holder."""
    held(teams, ward, person_left=_ended())
    Assignment.objects.filter(number="10000005-2").update(leave_date=_closed() + ONE_DAY)
    _, plan = upload(without_leave_column(*posts(teams, ward, person_left=_ended())))
    assert plan.can_apply, plan.errors


@pytest.mark.parametrize("cell", ["", OPEN], ids=["an empty cell", "ESR's no leave date"])
def test_a_file_with_the_column_reads_each_rows_own(teams, ward, tmp_path, cell):
    held(teams, ward)  # the bank post ended before the closing, as the portal holds it
    refused_everywhere(with_leave_column(*posts(teams, ward, bank_left=cell)), tmp_path, _refusal(ward))
