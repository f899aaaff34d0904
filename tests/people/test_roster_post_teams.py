"""Each post keeps the team, start date and leave date of its own row (people.Assignment), set by the roster and kept
up to date by later files that name the post, so that a second post's team can show its holder
(portal.reports.posts); the person's own team, line manager and standing still come from one post, as before. The
dry run lists what a file does to posts, and its fingerprint names it."""

import datetime
import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.utils import timezone

from portal.lib.csvfiles import show_date
from portal.people.models import Assignment, StaffMember
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, upload, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)


def days_ago(days: int) -> str:
    return show_date(timezone.localdate() - datetime.timedelta(days=days))


def posts() -> dict:
    return {number: (team, start, leave) for number, team, start, leave in _rows()}


def _rows():
    return Assignment.objects.values_list("number", "team__name", "start_date", "leave_date")


def two_posts(teams, bank_team="finance", bank_leave="31/12/4712") -> bytes:
    return esr_file(
        esr_row("10000005", "10000005-1", code=teams["comms"].code),
        esr_row(
            "10000005",
            "10000005-2",
            title="Bank Officer",
            code=teams[bank_team].code,
            start="01/06/2024",
            leave=bank_leave,
        ),
    )


def test_each_post_keeps_its_own_rows_team_and_dates_and_the_person_their_one_team(teams):
    upload_and_apply(two_posts(teams))
    assert posts() == {
        "10000005-1": ("Communications and Engagement", datetime.date(2020, 4, 1), None),
        "10000005-2": ("Finance", datetime.date(2024, 6, 1), None),
    }
    staff = StaffMember.objects.get()
    assert (staff.team, staff.job_title) == (teams["comms"], "Officer")


def test_a_later_file_moves_the_second_post_and_the_dry_run_says_so(teams):
    upload_and_apply(two_posts(teams))
    third = factories.make_team("Estates", parent=teams["org"])
    _, plan = upload(two_posts({**teams, "estates": third}, bank_team="estates", bank_leave=days_ago(-30)))
    assert plan.can_apply, plan.errors
    ((_, lines),) = plan.other_changes
    assert lines == [f"Post 10000005-2: team Finance to Estates; leave date (blank) to {days_ago(-30)}"]
    # The person's own record is unchanged: their team, and so their standing, are the first post's
    ((_, _, diffs),) = plan.to_change
    assert diffs == {}
    _, unchanged = upload(two_posts(teams))
    assert plan.fingerprint != unchanged.fingerprint

    upload_and_apply(two_posts({**teams, "estates": third}, bank_team="estates", bank_leave=days_ago(-30)))
    assert posts()["10000005-2"] == (
        "Estates",
        datetime.date(2024, 6, 1),
        timezone.localdate() + datetime.timedelta(days=30),
    )
    assert StaffMember.objects.get().team == teams["comms"]
    _, again = upload(two_posts({**teams, "estates": third}, bank_team="estates", bank_leave=days_ago(-30)))
    assert again.to_change == []


def test_a_second_post_for_someone_held_is_added_though_nothing_else_changes(teams):
    """Before, a post added to someone whose own record the file did not change was never kept."""
    upload_and_apply(esr_file(esr_row("10000005", "10000005-1", code=teams["comms"].code)))
    _, plan = upload(two_posts(teams))
    assert [lines for _, lines in plan.other_changes] == [["Post 10000005-2: added, in Finance from 01/06/2024"]]
    upload_and_apply(two_posts(teams))
    assert posts()["10000005-2"] == ("Finance", datetime.date(2024, 6, 1), None)


def test_a_move_of_someones_one_post_is_said_once_and_the_post_follows(teams):
    upload_and_apply(esr_file(esr_row("10000005", "10000005-1", code=teams["comms"].code)))
    moved = esr_file(esr_row("10000005", "10000005-1", code=teams["finance"].code))
    _, plan = upload(moved)
    assert [lines for _, lines in plan.other_changes] == [["Team: Communications and Engagement to Finance"]]
    upload_and_apply(moved)
    assert posts() == {"10000005-1": ("Finance", datetime.date(2020, 4, 1), None)}


def test_a_row_without_an_assignment_number_moves_the_one_post_held(teams):
    upload_and_apply(esr_file(esr_row("10000005", "10000005-1", code=teams["comms"].code)))
    upload_and_apply(esr_file(esr_row("10000005", "", code=teams["finance"].code)))
    assert posts() == {"10000005-1": ("Finance", datetime.date(2020, 4, 1), None)}


def test_a_refused_file_changes_no_post(teams):
    upload_and_apply(two_posts(teams))
    before = list(_rows())
    bad = esr_file(
        esr_row("10000005", "10000005-1", code=teams["comms"].code),
        esr_row("10000005", "10000005-2", code="NOWHERE"),
    )
    batch = upload_and_apply(bad)
    assert batch.status == "failed" and list(_rows()) == before


def test_the_migration_gives_a_one_post_holder_their_team_and_leaves_several_posts_empty(teams):
    one = factories.make_staff(team=teams["comms"], leave_date=datetime.date(2030, 1, 1))
    several = factories.make_staff(team=teams["finance"])
    Assignment.objects.create(staff=several, number=f"{several.employee_number}-2")
    Assignment.objects.update(team=None, start_date=None, leave_date=None)
    migration = importlib.import_module("portal.people.migrations.0009_assignment_team_and_dates")
    migration.backfill(apps, SimpleNamespace(connection=connection))
    assert sorted(Assignment.objects.values_list("staff_id", "team_id", "start_date", "leave_date")) == [
        (one.pk, teams["comms"].pk, one.start_date, datetime.date(2030, 1, 1)),
        (several.pk, None, None, None),
        (several.pk, None, None, None),
    ]


def test_someones_one_post_kept_from_before_is_brought_into_line_without_a_word(teams):
    """A post with no facts (kept from before the portal read them) of someone holding no other follows their own
    record: a file changing nothing else about them lists nothing, and gives the post their row's facts."""
    user = factories.make_user(email="sam.10000005@example.nhs.uk", first_name="Sam", last_name="Taylor")
    staff = factories.make_staff(
        user=user, team=teams["comms"], employee_number="10000005", start_date=datetime.date(2020, 4, 1)
    )
    Assignment.objects.filter(staff=staff).update(number="10000005-1")
    data = esr_file(esr_row("10000005", "10000005-1", code=teams["comms"].code))
    _, plan = upload(data)
    assert plan.can_apply and plan.to_change == [], plan.errors
    upload_and_apply(data)
    assert posts() == {"10000005-1": ("Communications and Engagement", datetime.date(2020, 4, 1), None)}
