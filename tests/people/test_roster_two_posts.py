"""Someone with two posts in the staff list is one person: their details come from the lowest-numbered post they are
still in (-10 after -9), they are a leaver only when every post has ended, and a move between posts keeps their
start date. The same post twice is one row only if both say the same."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.lib.csvfiles import show_date
from portal.people.models import Assignment, StaffMember
from tests import factories
from tests.people.roster_doors import (
    command,
    esr_file,
    esr_row,
    everything,
    refused_everywhere,
    upload,
    upload_and_apply,
)
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)


def days_ago(days: int) -> str:
    return show_date(timezone.localdate() - datetime.timedelta(days=days))


@pytest.fixture
def in_post(teams):
    """10000005, in post -1 since 2020, with an account they signed in to."""
    upload_and_apply(esr_file(esr_row("10000005", "10000005-1", code=teams["comms"].code)))
    staff = StaffMember.objects.get(employee_number="10000005")
    staff.user.set_password(factories.PASSWORD)
    staff.user.save()
    return staff


def moved(teams) -> bytes:
    """ESR ended post -1 (a month ago) and they started post -2 the next day: both rows are in the list."""
    return esr_file(
        esr_row("10000005", "10000005-1", code=teams["comms"].code, leave=days_ago(31)),
        esr_row("10000005", "10000005-2", title="Senior Officer", code=teams["finance"].code, start=days_ago(30)),
    )


def test_someone_who_moved_posts_is_not_made_a_leaver(client, in_post, teams, tmp_path):
    factories.sign_in(client, in_post.user)
    epoch = get_user_model().objects.get(pk=in_post.user_id).session_epoch

    _, plan = upload(moved(teams))
    assert plan.can_apply and plan.leavers == [], plan.errors
    ((_, lines),) = plan.other_changes
    assert lines == [
        "Job title: Officer to Senior Officer",
        "Team: Communications and Engagement to Finance",
        f"Post 10000005-1: leave date (blank) to {days_ago(31)}",  # each post's own row (portal.reports.posts)
        f"Post 10000005-2: added, in Finance from {days_ago(30)}",
    ]
    assert "leavers: 0" in command(moved(teams), tmp_path)

    upload_and_apply(moved(teams))
    staff = StaffMember.objects.get(employee_number="10000005")
    assert (staff.job_title, staff.team, staff.leave_date) == ("Senior Officer", teams["finance"], None)
    assert staff.start_date == datetime.date(2020, 4, 1)  # a move is not a new start
    assert sorted(Assignment.objects.filter(staff=staff).values_list("number", flat=True)) == [
        "10000005-1",
        "10000005-2",
    ]
    user = get_user_model().objects.get(pk=staff.user_id)
    assert user.is_active and user.session_epoch == epoch
    assert client.get("/training/").status_code == 200  # still signed in


def test_the_same_file_again_changes_nothing(in_post, teams):
    upload_and_apply(moved(teams))
    before = everything()
    _, plan = upload(moved(teams))
    assert plan.can_apply and not plan.to_change and not plan.leavers
    upload_and_apply(moved(teams))
    assert everything()[:3] == before[:3]


def test_post_10_comes_after_post_9(teams):
    data = esr_file(
        esr_row("10000005", "10000005-10", title="Ten", code=teams["finance"].code),
        esr_row("10000005", "10000005-9", title="Nine", code=teams["comms"].code),
    )
    _, plan = upload(data)
    ((person),) = plan.to_create
    assert person.fields["job_title"] == "Nine" and person.assignments == ["10000005-9", "10000005-10"]
    upload_and_apply(data)
    assert StaffMember.objects.get().job_title == "Nine"


def test_with_every_post_ended_they_leave_on_the_last_day_of_the_last_post(teams):
    data = esr_file(
        esr_row("10000005", "10000005-1", title="First", code=teams["comms"].code, leave=days_ago(60)),
        esr_row("10000005", "10000005-2", title="Second", code=teams["finance"].code, leave=days_ago(10)),
        esr_row("10000005", "10000005-3", title="Third", code=teams["finance"].code, leave=days_ago(90)),
    )
    upload_and_apply(data)
    staff = StaffMember.objects.get()
    assert (staff.job_title, staff.leave_date) == ("Second", timezone.localdate() - datetime.timedelta(days=10))
    assert not staff.user.is_active


def test_a_post_ending_later_still_counts_as_held(teams):
    """A post with a leave date ahead is still held today: its details win, and the person has no leave date while
    another post has none."""
    data = esr_file(
        esr_row("10000005", "10000005-1", title="Current", code=teams["comms"].code, leave=days_ago(-30)),
        esr_row("10000005", "10000005-2", title="Next", code=teams["finance"].code, start=days_ago(100)),
    )
    upload_and_apply(data)
    staff = StaffMember.objects.get()
    assert (staff.job_title, staff.leave_date, staff.user.is_active) == ("Current", None, True)


def test_a_returner_after_a_gap_starts_again(teams):
    data = esr_file(
        esr_row("10000005", "10000005-1", code=teams["comms"].code, start="01/04/2010", leave="31/03/2019"),
        esr_row("10000005", "10000005-2", code=teams["finance"].code, start="01/06/2025"),
    )
    upload_and_apply(data)
    staff = StaffMember.objects.get()
    assert (staff.start_date, staff.leave_date, staff.team) == (datetime.date(2025, 6, 1), None, teams["finance"])


@pytest.mark.parametrize(
    "again",
    [
        "10000005,10000005-1,Sam,Taylor,sam.10000005@example.nhs.uk,Officer,{code},,01/04/2020,31/12/4712",
        "10000005,10000005-1,Sam,Taylor,SAM.10000005@example.nhs.uk,Officer,{code},,2020-04-01,",  # said otherwise
    ],
)
def test_the_same_post_twice_saying_the_same_is_one_post(teams, again):
    first = esr_row("10000005", "10000005-1", code=teams["comms"].code)
    _, plan = upload(esr_file(first, again.format(code=teams["comms"].code)))
    assert plan.can_apply and len(plan.to_create) == 1, plan.errors
    upload_and_apply(esr_file(first, again.format(code=teams["comms"].code)))
    assert list(Assignment.objects.values_list("number", flat=True)) == ["10000005-1"]


def test_the_same_post_twice_saying_different_things_is_refused(in_post, teams, tmp_path):
    data = esr_file(
        esr_row("10000005", "10000005-1", code=teams["comms"].code),
        esr_row("10000005", "10000005-1", code=teams["finance"].code, leave=days_ago(31)),
    )
    refused_everywhere(
        data,
        tmp_path,
        "Line 3: Assignment 10000005-1 is also on line 2 with different values (Organisation Code, Leave Date). "
        "Keep one of them",
    )
    assert StaffMember.objects.get().team == teams["comms"]
