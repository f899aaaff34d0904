"""A roster write that leaves out a person's leave_date says nothing about it, as a file without the column: a
leaver from a team closed after they left is checked by the leave date the portal holds. They were refused ("place
the person in an open team"), and with them the whole request."""

import datetime

from django.utils import timezone

from portal.people.models import StaffMember
from tests import factories

from .conftest import roster_row


def _left():
    return timezone.localdate() - datetime.timedelta(days=270)


def _closed():
    return timezone.localdate() - datetime.timedelta(days=160)


def _send(api, people, key, **body):
    return api("post", "/api/v1/roster", "roster", {"people": people, **body}, key=key)


def test_a_leaver_from_a_team_closed_after_they_left_is_kept(api, org):
    ward = factories.make_team("Ward 7", parent=org["teams"]["organisation"])
    ward.closed_on = _closed()
    ward.save()
    ana = factories.make_staff(team=ward, job_title="Staff Nurse", leave_date=_left())
    sam = org["people"]["sam"]
    people = [roster_row(ana, job_title="Senior Staff Nurse"), roster_row(sam, job_title="Ward Clerk")]

    dry = _send(api, people, "closed-ward-dry", dry_run=True)
    assert dry.status_code == 200, dry.content
    assert dry.json()["details"]["leavers"] == []
    applied = _send(api, people, "closed-ward")
    assert applied.status_code == 202 and applied.json()["import"]["status"] == "done", applied.content

    ana.refresh_from_db()
    assert (ana.team, ana.leave_date, ana.job_title) == (ward, _left(), "Senior Staff Nurse")
    assert StaffMember.objects.get(pk=sam.pk).job_title == "Ward Clerk"


def test_a_leave_date_sent_is_the_one_checked(api, org):
    ward = factories.make_team("Ward 7", parent=org["teams"]["organisation"])
    ward.closed_on = _closed()
    ward.save()
    ana = factories.make_staff(team=ward, job_title="Staff Nurse", leave_date=_left())

    for key, leave_date in (("sent-none", None), ("sent-later", (_closed() + datetime.timedelta(days=1)).isoformat())):
        answer = _send(api, [roster_row(ana, leave_date=leave_date, job_title="Sister")], key)
        assert answer.status_code == 422, answer.content
        assert answer.json()["errors"][0]["message"].endswith("place the person in an open team")
    ana.refresh_from_db()
    assert (ana.leave_date, ana.job_title) == (_left(), "Staff Nurse")
