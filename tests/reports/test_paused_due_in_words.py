"""A paused row says what becomes of its due date, beside "Paused until ...", the same on the person's own page, their
manager's team page and person page, and the evidence pack: the due date held is the one the pause leaves
(`status.due_after_pauses`). Paused inside the person's window, it moved: "then due by" the moved date. Paused after
it had passed, it did not: "was due ..., before the pause: overdue when it ends". Paused with no return date, there
is none until the pause has one. Before, each showed the due date bare beside "Paused until" (a date before the pause
read as a contradiction) or, with no return date, "No expiry" on the person page and "Due" with no date in the pack.
The CSV's rows are not changed (an old pack's twin is rebuilt and compared): the workbook's sheet about it says how
to read a paused row's due date."""

import datetime
import io

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.compliance import pauses, projection
from portal.compliance.models import RequirementStatus
from portal.people.models import StaffChange
from portal.reports.models import EvidencePack
from portal.reports.packs import pack_build
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.test_packs import _pdf_text


def first():
    return timezone.localdate() - datetime.timedelta(days=3)


def _until():
    return timezone.localdate() + datetime.timedelta(days=90)


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _short(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _pause(staff, hr, last_day=...):
    """Pauses them for 90 days unless given another last day (None: no return date yet)."""
    last_day = _until() if last_day is ... else last_day
    return pauses.pause_add(
        staff=staff,
        requirements=None,
        reason_code=pauses.SICKNESS,
        first_day=first(),
        last_day=last_day,
        user=hr.user,
    )


@pytest.fixture
def paused(org, hr):
    """Grace, long in post and never done, overdue, is paused from three days ago; Nina, who started a week ago
    (due in three weeks), is paused in her window; Ned, who started a week ago too, is paused with no return date."""
    today = timezone.localdate()
    nina = factories.make_staff(
        team=org["comms"], first_name="Nina", last_name="New", start_date=today - datetime.timedelta(days=7)
    )
    ned = factories.make_staff(
        team=org["comms"], first_name="Ned", last_name="Open", start_date=today - datetime.timedelta(days=7)
    )
    projection.refresh()
    overdue_on = org["manager"].statuses.get().due_on
    assert overdue_on < first()
    _pause(org["manager"], hr)
    _pause(nina, hr)
    _pause(ned, hr, last_day=None)
    moved = nina.statuses.get().due_on
    assert moved > _until()  # the paused days inside her window moved it
    assert ned.statuses.get().due_on is None
    return {**org, "nina": nina, "ned": ned, "overdue_on": overdue_on, "moved": moved}


def test_the_team_page_says_what_the_pause_does_to_each_due_date(paused, hr):
    page = client_for(hr).get(reverse("reports:team"), {"team": paused["comms"].pk}).content.decode()
    assert f"was due {_short(paused['overdue_on'])}, before the pause: overdue when it ends" in page
    assert f"then due by {_short(paused['moved'])}" in page
    assert "no due date until the pause has an end date" in page


def test_the_person_and_the_person_page_say_it_in_the_date_column(paused, hr):
    grace = client_for(paused["manager"]).get(reverse("reports:my_training")).content.decode()
    assert f"Was due {_long(paused['overdue_on'])}, before the pause: overdue when it ends" in grace
    nina = client_for(paused["nina"]).get(reverse("reports:my_training")).content.decode()
    assert f"Then due by {_long(paused['moved'])}" in nina
    ned = client_for(hr).get(reverse("reports:team_person", args=[paused["ned"].pk])).content.decode()
    assert "No due date until the pause has an end date" in ned and "No expiry" not in ned
    manager = client_for(paused["manager"])
    nina_page = manager.get(reverse("reports:team_person", args=[paused["nina"].pk])).content.decode()
    assert f"Then due by {_long(paused['moved'])}" in nina_page


def test_the_pack_says_it_in_its_date_column(paused, hr, private_media):
    today = timezone.localdate()
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    pack = EvidencePack.objects.create(team=paused["comms"], as_at=today, cutoff=timezone.now(), requested_by=hr.user)
    pack_build(pack)
    pack.refresh_from_db()
    text = " ".join(_pdf_text(pack.pdf.path, layout=False).split())
    assert "before the pause: overdue when it ends" in text
    assert f"Then due by {_short(paused['moved'])}" in text
    ned = text[text.index("Ned Open") :]  # a cell's lines may come between another column's
    assert "No due date" in ned and "until the pause has an end date" in ned and "Due –" not in ned


def test_the_csv_keeps_its_rows_and_the_workbook_says_how_to_read_a_paused_due_date(paused, hr):
    response = client_for(hr).get(reverse("exports:xlsx"), {"team": paused["comms"].pk})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.worksheets[0].values)
    nina = next(row for row in rows if row[1] == "Nina New")
    assert nina[6] == f"Paused until {_long(_until())}"  # the status column as before
    about = dict(workbook.worksheets[-1].values)
    assert "already passed when the pause began" in about["Paused until"] and "the pause leaves" in about["Due on"]
    assert RequirementStatus.objects.filter(staff=paused["ned"], due_on__isnull=True).exists()
