"""`verify_evidence --status` works the status table out again from the ledger and the roster and names every person
and requirement whose stored row or runs differ: the portal's own database role can write that table, and every
report reads it, so a hand on that role could make someone look compliant everywhere while the ledger stays intact.
The check changes nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.compliance import pauses, projection
from portal.compliance.models import RequirementStatus, StatusInterval
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_receipts import _refused as failure
from tests.compliance.test_receipts import _verify as verify

# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
TODAY = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global TODAY
    TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def trust(db):
    """Fay has done fire safety and not safeguarding (due 28 days after her start); Gil has done both; Hal nothing."""
    team = factories.make_team("Finance")
    fay = factories.make_staff(team=team, first_name="Fay", last_name="Finance", start_date=days(-100))
    gil = factories.make_staff(team=team, first_name="Gil", last_name="Grant", start_date=days(-400))
    hal = factories.make_staff(team=team, first_name="Hal", last_name="Hart", start_date=days(-400))
    safeguarding = factories.make_requirement(name="Safeguarding adults level 2", renewal_months=12)
    fire = factories.make_requirement(name="Fire safety", renewal_months=24)
    projection.refresh()
    factories.make_completion(fay, fire, completed_at=timezone.now() - datetime.timedelta(days=30))
    for requirement in (safeguarding, fire):
        factories.make_completion(gil, requirement, completed_at=timezone.now() - datetime.timedelta(days=60))
    return {"fay": fay, "gil": gil, "hal": hal, "safeguarding": safeguarding, "fire": fire}


def rows():
    return sorted(RequirementStatus.objects.values_list("staff_id", "requirement_id", "completed_on", "expires_on"))


def runs():
    return sorted(StatusInterval.objects.values_list("pk", "staff_id", "requirement_id", "state", "compliant"))


def test_an_untouched_status_table_passes_and_says_how_much_it_checked(trust):
    out = verify("--status")
    rows, runs = RequirementStatus.objects.count(), StatusInterval.objects.count()
    assert rows == 6 and runs >= 6
    assert f"Status table: {rows} rows and {runs} runs in effective time checked against the ledger: every one" in out


def test_without_status_the_table_is_not_checked(trust):
    RequirementStatus.objects.filter(staff=trust["fay"]).update(completed_on=days(-1))
    assert "Status table" not in verify()


def test_a_row_made_to_look_compliant_is_named_with_both_sides(trust):
    fay, safeguarding = trust["fay"], trust["safeguarding"]
    due = RequirementStatus.objects.get(staff=fay, requirement=safeguarding).due_on
    assert due == days(-100 + 28)
    RequirementStatus.objects.filter(staff=fay, requirement=safeguarding).update(
        completed_on=days(-10), expires_on=days(355), due_on=days(355)
    )
    message = failure("--status")
    assert message == (
        f"Status of {fay.employee_number} Fay Finance on 'Safeguarding adults level 2' differs from the ledger: "
        f"stored completed {days(-10)}, expires {days(355)}; the ledger gives not completed, due {due}."
    )


def test_the_row_a_status_names_as_its_evidence_is_checked_too(trust):
    gil, fire, fay = trust["gil"], trust["fire"], trust["fay"]
    fays = RequirementStatus.objects.get(staff=fay, requirement=fire).evidence
    RequirementStatus.objects.filter(staff=gil, requirement=fire).update(evidence=fays)
    message = failure("--status")
    assert f"Status of {gil.employee_number} Gil Grant on 'Fire safety' differs from the ledger" in message
    assert f"on ledger entry #{fays.seq}; the ledger gives" in message


def test_a_deleted_row_and_an_extra_row_are_named(trust):
    fay, hal, fire = trust["fay"], trust["hal"], trust["fire"]
    RequirementStatus.objects.filter(staff=hal, requirement=fire).delete()
    leaver = factories.make_staff(
        team=fay.team, first_name="Ian", last_name="Left", start_date=days(-400), leave_date=days(-200)
    )
    projection.refresh(staff_ids=[leaver.pk])  # their runs while in post; no rows, as they have left
    RequirementStatus.objects.create(staff=leaver, requirement=fire, completed_on=days(-250), expires_on=days(480))
    message = failure("--status")
    assert (
        f"Status of {hal.employee_number} Hal Hart on 'Fire safety' differs from the ledger: "
        f"stored no status row; the ledger gives not completed, due {days(-400 + 28)}." in message
    )
    assert (
        f"Status of {leaver.employee_number} Ian Left on 'Fire safety' differs from the ledger: "
        f"stored completed {days(-250)}, expires {days(480)}, no due date; the ledger gives no status row." in message
    )
    assert message.count("differs from the ledger") == 2


def test_a_run_changed_to_compliant_is_named(trust):
    hal, fire = trust["hal"], trust["fire"]
    overdue = StatusInterval.objects.get(staff=hal, requirement=fire, valid_to=StatusInterval.FOREVER)
    StatusInterval.objects.filter(pk=overdue.pk).update(state="compliant", compliant=True)
    message = failure("--status")
    assert message.startswith(f"Status of {hal.employee_number} Hal Hart on 'Fire safety' differs from the ledger: ")
    assert "its runs in effective time differ" in message
    since = overdue.valid_from
    assert f"stored but not from the ledger: {since} on compliant (compliant), due {overdue.due_on}" in message
    assert f"from the ledger but not stored: {since} on {overdue.state} (not compliant)" in message
    assert message.count("differs from the ledger") == 1


def test_a_run_added_twice_is_named(trust):
    gil, fire = trust["gil"], trust["fire"]
    run = StatusInterval.objects.filter(staff=gil, requirement=fire).first()
    run.pk = None
    run.save()
    message = failure("--status")
    assert f"{gil.employee_number} Gil Grant on 'Fire safety'" in message
    assert "runs in effective time differ" in message and "stored but not from the ledger" in message


def test_the_check_changes_nothing(trust):
    fay, hal, safeguarding, fire = trust["fay"], trust["hal"], trust["safeguarding"], trust["fire"]
    RequirementStatus.objects.filter(staff=fay, requirement=safeguarding).update(
        completed_on=days(-10), expires_on=days(355), due_on=days(355)
    )
    RequirementStatus.objects.filter(staff=hal, requirement=fire).delete()
    StatusInterval.objects.filter(staff=hal, requirement=safeguarding).update(state="compliant", compliant=True)
    before = (rows(), runs(), list(RequirementStatus.objects.order_by("pk").values()))
    failure("--status")
    assert (rows(), runs(), list(RequirementStatus.objects.order_by("pk").values())) == before


def test_a_leavers_row_left_from_their_last_day_is_out_of_date_not_a_difference(trust, monkeypatch):
    """Nothing rewrites a leaver's row when their leave date passes (the reports leave them out by that date)."""
    fire = trust["fire"]
    leaver = factories.make_staff(first_name="Lee", last_name="Leaving", start_date=days(-400), leave_date=days(-5))
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: days(-7))
        factories.make_completion(leaver, fire, completed_at=timezone.now() - datetime.timedelta(days=20))
        projection.refresh(staff_ids=[leaver.pk])
    assert RequirementStatus.objects.filter(staff=leaver).count() == 2
    out = verify("--status")
    assert "2 status rows are as the ledger gave them on an earlier day" in out
    assert "every one matches" in out

    RequirementStatus.objects.filter(staff=leaver, requirement=fire).update(expires_on=days(900))
    message = failure("--status")
    assert f"{leaver.employee_number} Lee Leaving on 'Fire safety'" in message and f"expires {days(900)}" in message


def test_a_row_left_on_an_ended_pause_is_out_of_date_until_the_daily_run(trust, monkeypatch):
    hal, fire = trust["hal"], trust["fire"]
    hr = factories.make_user()
    hr.groups.add(hr_group())
    pauses.pause_add(
        staff=hal, requirements=[fire], reason_code=pauses.SICKNESS, first_day=days(-30), last_day=days(-3), user=hr
    )
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: days(-5))
        projection.refresh(staff_ids=[hal.pk])
    assert RequirementStatus.objects.get(staff=hal, requirement=fire).paused_until == days(-3)
    out = verify("--status")
    assert "1 status rows are as the ledger gave them on an earlier day" in out and "every one matches" in out

    RequirementStatus.objects.filter(staff=hal, requirement=fire).update(paused_until=days(60))
    assert f"{hal.employee_number} Hal Hart on 'Fire safety'" in failure("--status")


def test_the_check_runs_the_same_queries_however_many_people(trust):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            verify("--status")
        return len(captured.captured_queries)

    few = queries()
    for _ in range(5):
        person = factories.make_staff(team=trust["fay"].team, start_date=days(-300))
        factories.make_completion(person, trust["fire"])
    projection.refresh()
    assert queries() == few


def test_an_empty_portal_passes(db):
    assert "Status table: 0 rows and 0 runs in effective time checked against the ledger: every one matches." in verify(
        "--status"
    )
