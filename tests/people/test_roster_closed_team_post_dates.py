"""A roster file without a leave-date column checks a closed team against the post's own leave date
(people.Assignment, since migration people 0009), not its holder's: a bank post on Ward 7 that ended in March, before
the ward closed in June, is still that post's row, whether its holder is still in post elsewhere or left later. It
used to read the holder's leave date (none, or after the closing) and refuse the post ("place the person in an open
team"), which stopped the whole file. A post held with no leave date is still refused; a post the portal kept no
dates for is read by its holder's leave date, as before."""

import datetime

import pytest
from django.utils import timezone

from portal.lib.csvfiles import show_date
from portal.people.models import Assignment, StaffMember
from tests import factories
from tests.people.roster_doors import HEADER, command, esr_row, refused_everywhere, upload, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)


def _left():
    # March, say: the bank post ended
    return timezone.localdate() - datetime.timedelta(days=270)


def _closed():
    # June: Ward 7 closed
    return timezone.localdate() - datetime.timedelta(days=160)


def _later():
    return timezone.localdate() - datetime.timedelta(days=30)


NO_LEAVE_COLUMN = HEADER.removesuffix(",Termination Date")


def _ended():
    return show_date(_left())


OPEN = "31/12/4712"  # ESR's "no leave date"


def without_leave_column(*rows: str) -> bytes:
    return ("\r\n".join([NO_LEAVE_COLUMN, *(row.rsplit(",", 1)[0] for row in rows)]) + "\r\n").encode()


def with_leave_column(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


@pytest.fixture
def ward(teams):
    return factories.make_team("Ward 7", parent=teams["org"])


def posts(teams, ward, *, person_left=None, bank_left=None, title="Officer"):
    """Their substantive post in Communications (ended `person_left`, if given) and their bank post on Ward 7 (ended
    `bank_left`, by default the day it ended)."""
    bank_left = _ended() if bank_left is None else bank_left
    return (
        esr_row("10000005", "10000005-1", title=title, code=teams["comms"].code, leave=person_left or OPEN),
        esr_row("10000005", "10000005-2", title="Bank Nurse", code=ward.code, leave=bank_left),
    )


def held(teams, ward, **dates) -> StaffMember:
    """Both posts as a full file gave them; then the ward closed."""
    batch = upload_and_apply(with_leave_column(*posts(teams, ward, **dates)))
    assert batch.status == batch.DONE, batch.error
    ward.closed_on = _closed()
    ward.save()
    return StaffMember.objects.get(employee_number="10000005")


# LATER_ON: 30 days ago as the roster shows it, read in the test: read when the file was imported, a run going past
# midnight sent a day other than the one the test means.
@pytest.mark.parametrize("person_left", [None, "LATER_ON"], ids=["in post", "left after the closing"])
def test_a_post_that_ended_before_its_team_closed_is_read_by_its_own_leave_date(teams, ward, tmp_path, person_left):
    person_left = person_left and show_date(_later())
    held(teams, ward, person_left=person_left)
    data = without_leave_column(*posts(teams, ward, person_left=person_left, title="Senior Officer"))

    _, plan = upload(data)
    assert plan.can_apply, plan.errors
    assert [plan.describe(diffs) for _, _, diffs in plan.to_change] == [["Job title: Officer to Senior Officer"]]
    assert "changed: 1" in command(data, tmp_path)
    upload_and_apply(data)

    person = StaffMember.objects.get(employee_number="10000005")
    bank = Assignment.objects.get(number="10000005-2")
    assert (person.job_title, person.team, bank.team, bank.leave_date) == (
        "Senior Officer",
        teams["comms"],
        ward,
        _left(),
    )


def test_a_post_still_held_in_the_closed_team_is_refused(teams, ward, tmp_path):
    held(teams, ward, bank_left=OPEN)
    refused_everywhere(
        without_leave_column(*posts(teams, ward, bank_left=OPEN)),
        tmp_path,
        f"Line 3: Team '{ward.code}' closed on {show_date(_closed())}: place the person in an open team",
    )


def test_a_post_the_portal_kept_no_dates_for_is_read_by_its_holders(teams, ward, tmp_path):
    """A post kept from before the portal read posts' dates has none: its holder's leave date, before the closing,
    bounds it."""
    held(teams, ward, person_left=_ended(), bank_left=_ended())
    Assignment.objects.filter(number="10000005-2").update(start_date=None, leave_date=None)
    _, plan = upload(without_leave_column(*posts(teams, ward, person_left=_ended())))
    assert plan.can_apply, plan.errors
