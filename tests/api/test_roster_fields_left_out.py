"""A person's field left out of a roster write says nothing, as a file without that column does: job title, staff
group, leave date and agency or bank stay as the portal holds them. `null` or "" says "none", as an empty cell does.
A file has one set of columns, so people who differ in which of those fields they give are refused, nothing changed.
A workforce system sending only the required fields emptied everyone's job title and staff group (which decide who
must do what) and reopened every leaver."""

import datetime

from django.utils import timezone

from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember
from tests import factories

from .conftest import roster_row


def _send(api, people, key, **body):
    return api("post", "/api/v1/roster", "roster", {"people": people, **body}, key=key)


def _held(staff) -> tuple:
    staff.refresh_from_db()
    return (staff.job_title, staff.staff_group, staff.leave_date, staff.employment_type)


def test_a_person_sent_with_only_the_required_fields_keeps_the_rest(api, org):
    leaves_on = timezone.localdate() + datetime.timedelta(days=30)
    sam = factories.make_staff(
        team=org["teams"]["comms"],
        job_title="Ward Clerk",
        staff_group="Administrative and Clerical",
        leave_date=leaves_on,
        employment_type=StaffMember.BANK,
    )
    before = _held(sam)

    dry = _send(api, [roster_row(sam)], "only-required-dry", dry_run=True)
    assert dry.status_code == 200, dry.content
    assert dry.json()["details"]["changes"] == []
    applied = _send(api, [roster_row(sam)], "only-required")
    assert applied.status_code == 202 and applied.json()["import"]["status"] == "done", applied.content

    assert _held(sam) == before == ("Ward Clerk", "Administrative and Clerical", leaves_on, StaffMember.BANK)


def test_an_empty_or_null_field_clears_it(api, org):
    sam = factories.make_staff(
        team=org["teams"]["comms"], job_title="Ward Clerk", staff_group="Nursing", employment_type=StaffMember.AGENCY
    )
    row = roster_row(sam, job_title="", staff_group=None)

    dry = _send(api, [row], "clear-dry", dry_run=True).json()
    assert dry["details"]["changes"][0]["changes"] == [
        "Job title: Ward Clerk to (blank)",
        "Staff group: Nursing to (blank)",
    ]
    assert _send(api, [row], "clear").status_code == 202

    assert _held(sam) == ("", "", None, StaffMember.AGENCY)


def test_a_leaver_sent_without_a_leave_date_stays_a_leaver(api, org):
    left_on = timezone.localdate() - datetime.timedelta(days=20)
    lee = factories.make_staff(team=org["teams"]["comms"], first_name="Lee", last_name="Leaver", leave_date=left_on)
    lee.user.is_active = False
    lee.user.save(update_fields=["is_active"])

    dry = _send(api, [roster_row(lee, job_title="Porter")], "leaver-dry", dry_run=True).json()
    assert [c["changes"] for c in dry["details"]["changes"]] == [["Job title: Officer to Porter"]]
    assert dry["details"]["leavers"] == []
    assert _send(api, [roster_row(lee, job_title="Porter")], "leaver").status_code == 202

    lee.refresh_from_db()
    lee.user.refresh_from_db()
    assert (lee.job_title, lee.leave_date, lee.user.is_active) == ("Porter", left_on, False)


def test_people_who_differ_in_which_fields_they_give_are_refused_naming_the_first(api, org):
    sam, kim = org["people"]["sam"], org["people"]["kim"]
    before = (_held(sam), _held(kim))
    people = [roster_row(sam, job_title="Lead", leave_date=None), roster_row(kim, leave_date=None)]

    for key, dry_run in (("mixed-dry", True), ("mixed", False)):
        response = _send(api, people, key, dry_run=dry_run)
        assert response.status_code == 422, response.content
        problem = response.json()
        assert problem["code"] == "invalid_request"
        assert [e["field"] for e in problem["errors"]] == ["people[1].job_title"]
        assert f"people[1] (employee {kim.employee_number}) leaves out job_title" in problem["detail"]
        assert f"people[0] (employee {sam.employee_number}) gives" in problem["detail"]

    assert (_held(sam), _held(kim)) == before
    assert not ImportBatch.objects.exists()
    # Nothing was recorded, so the key is free for the corrected request
    people[1]["job_title"] = kim.job_title
    assert _send(api, people, "mixed").status_code == 202
    assert _held(sam)[0] == "Lead"


def test_a_retry_is_the_same_request_and_leaving_a_field_out_is_not_sending_it_empty(api, org):
    sam = org["people"]["sam"]
    first = _send(api, [roster_row(sam)], "retry")
    again = _send(api, [roster_row(sam)], "retry")
    assert again.status_code == first.status_code == 202
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()

    emptied = _send(api, [roster_row(sam, job_title="")], "retry")
    assert emptied.status_code == 409 and emptied.json()["code"] == "idempotency_key_reused"
    assert _held(sam)[0] == "Officer"

    # null and "" say the same (no job title), so either is a retry of the other
    assert _send(api, [roster_row(sam, job_title=None)], "cleared").status_code == 202
    replayed = _send(api, [roster_row(sam, job_title="")], "cleared")
    assert replayed.status_code == 202 and replayed["Idempotent-Replayed"] == "true"
    assert _held(sam)[0] == ""
