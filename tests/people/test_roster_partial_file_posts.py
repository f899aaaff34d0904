"""A partial roster file (a bank extract) that names only someone's second post, while the portal holds their first
post open: the person's own record comes from the lowest-numbered post they are still in (docs/import-roster.md),
which is the one the file does not name, so the file changes the post it names and nothing about who they are, their
team or whether they have left; the dry run says only the post's change."""

from portal.people.models import StaffMember
from tests.people.roster_doors import esr_file, esr_row, upload, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)
from tests.people.test_roster_post_teams import days_ago, posts, two_posts


def _bank_only(teams, team="finance", **row) -> bytes:
    return esr_file(
        esr_row("10000005", "10000005-2", title="Bank Officer", code=teams[team].code, start="01/06/2024", **row)
    )


def _held():
    return StaffMember.objects.values_list("team__name", "job_title", "start_date", "leave_date", "user__is_active")


def test_a_file_naming_only_the_second_post_changes_that_post_only(teams):
    upload_and_apply(two_posts(teams))
    held = list(_held())
    data = _bank_only(teams, team="comms")  # the bank post moves to Communications
    _, plan = upload(data)
    assert [lines for _, lines in plan.other_changes] == [
        ["Post 10000005-2: team Finance to Communications and Engagement"]
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
    assert [lines for _, lines in plan.other_changes] == [[f"Post 10000005-2: leave date (blank) to {days_ago(2)}"]]
    upload_and_apply(data)
    assert list(_held()) == held  # still in Communications, in post, their account open
    assert posts()["10000005-2"][2] is not None


def test_the_first_post_ending_later_leaves_them_no_leave_date_while_the_second_goes_on(teams):
    upload_and_apply(two_posts(teams))
    data = esr_file(esr_row("10000005", "10000005-1", code=teams["comms"].code, leave=days_ago(-30)))
    _, plan = upload(data)
    assert [lines for _, lines in plan.other_changes] == [[f"Post 10000005-1: leave date (blank) to {days_ago(-30)}"]]
    upload_and_apply(data)
    assert StaffMember.objects.get().leave_date is None
