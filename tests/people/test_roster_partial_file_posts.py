"""A partial roster file (a bank extract) that names only someone's second post, while the portal holds their first
post open: the person's own record comes from the lowest-numbered post they are still in (docs/import-roster.md),
which is the one the file does not name, so the file changes the post it names and nothing about who they are, their
team or whether they have left. The file cannot tell a bank extract from a full Staff in Post report that left out a
post that ended, so the dry run says beside the post's change what was not applied and why
(`RosterPlan.held_described`)."""

from portal.people.models import Assignment, StaffMember
from tests.people.roster_doors import esr_file, esr_row, upload, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)
from tests.people.test_roster_post_teams import days_ago, posts, two_posts


def _bank_only(teams, team="finance", **row) -> bytes:
    return esr_file(
        esr_row("10000005", "10000005-2", title="Bank Officer", code=teams[team].code, start="01/06/2024", **row)
    )


KEPT_BY_FIRST_POST = (
    "Their own record (team, job title, dates, line manager) is left as it is: it comes from post 10000005-1, which "
    "this file does not name and the portal holds open. If that post has ended, give it in the file with its leave date"
)


def _held():
    return StaffMember.objects.values_list("team__name", "job_title", "start_date", "leave_date", "user__is_active")


def test_a_file_naming_only_the_second_post_changes_that_post_only(teams):
    upload_and_apply(two_posts(teams))
    held = list(_held())
    data = _bank_only(teams, team="comms")  # the bank post moves to Communications
    _, plan = upload(data)
    assert [lines for _, lines in plan.other_changes] == [
        ["Post 10000005-2: team Finance to Communications and Engagement", KEPT_BY_FIRST_POST]
    ]
    upload_and_apply(data)
    assert list(_held()) == held
    assert posts()["10000005-2"][0] == "Communications and Engagement"


def test_the_second_post_ending_is_not_the_person_leaving(teams):
    upload_and_apply(two_posts(teams))
    held = list(_held())
    data = _bank_only(teams, leave=days_ago(2))
    _, plan = upload(data)
    assert plan.leavers == []
    assert [lines for _, lines in plan.other_changes] == [
        [f"Post 10000005-2: leave date (blank) to {days_ago(2)}", KEPT_BY_FIRST_POST]
    ]
    upload_and_apply(data)
    assert list(_held()) == held  # still in Communications, in post, their account open
    assert posts()["10000005-2"][2] is not None


def test_the_first_post_ending_later_leaves_them_no_leave_date_while_the_second_goes_on(teams):
    upload_and_apply(two_posts(teams))
    data = esr_file(esr_row("10000005", "10000005-1", code=teams["comms"].code, leave=days_ago(-30)))
    _, plan = upload(data)
    assert [lines for _, lines in plan.other_changes] == [
        [
            f"Post 10000005-1: leave date (blank) to {days_ago(-30)}",
            "No leave date for them: post 10000005-2, which this file does not name, is held open without one",
        ]
    ]
    upload_and_apply(data)
    assert StaffMember.objects.get().leave_date is None


def test_a_move_to_a_new_post_in_a_file_without_the_old_one_says_why_they_have_not_moved(teams):
    """A full Staff in Post report after someone moved to a new post lists only the new one: the portal cannot tell it
    from a bank extract, so it leaves them where the post it holds open puts them, and the dry run says so, naming that
    post and what to do, on the page HR applies from."""
    upload_and_apply(esr_file(esr_row("10000005", "10000005-1", code=teams["comms"].code)))
    _, plan = upload(esr_file(esr_row("10000005", "10000005-2", code=teams["finance"].code, start="01/06/2024")))
    [(_, lines)] = plan.other_changes
    assert lines == ["Post 10000005-2: added, in Finance from 01/06/2024", KEPT_BY_FIRST_POST]


def test_a_post_numbered_like_them_holds_nothing_back_once_a_file_gives_their_posts_numbers(teams):
    """Someone first named without an Assignment Number holds the post the portal numbered like them (`IMPLICIT`),
    which no later file names once files give posts' numbers: it must not keep the file's facts from them (a move, a
    new job title, a new work email) nor show them to the team it was in."""
    upload_and_apply(esr_file(esr_row("10000005", "", code=teams["comms"].code)))
    assert list(Assignment.objects.values_list("number", flat=True)) == ["10000005"]
    data = esr_file(esr_row("10000005", "10000005-1", title="Finance Officer", code=teams["finance"].code))
    _, plan = upload(data)
    [(_, lines)] = plan.other_changes
    assert not any("left as it is" in line for line in lines)
    upload_and_apply(data)
    [(team, title, *_)] = _held()
    assert (team, title) == ("Finance", "Finance Officer")
    assert list(Assignment.objects.held().values_list("number", flat=True)) == ["10000005-1"]
