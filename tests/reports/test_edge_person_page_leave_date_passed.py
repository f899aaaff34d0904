"""A person's page, live, shows no requirements for someone whose leave date has passed, however long ago their
status was last written. The status projection drops a leaver's rows only when it next works out their standing, and
nothing does that when the leave date simply passes (no roster change, no evidence), so the rows written while they
were working their notice stayed; the person's page read them, judged as on today, and showed a leaver "Overdue"
beside "(left ...)", though the team page, the exports and every figure leave them out from the day after their last
day. It now says they left, as it does for a leaver with no rows left; the page about a day before then is as
before."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance import projection
from portal.reports.selectors import requirement_lines_for_staff
from tests import factories
from tests.reports.conftest import client_for

# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
TODAY = LAST_DAY = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global TODAY, LAST_DAY
    TODAY = timezone.localdate()
    LAST_DAY = TODAY - datetime.timedelta(days=1)


def test_a_leaver_whose_rows_were_written_before_their_leave_date_reads_as_left(org, hr):
    with freeze_time(timezone.now() - datetime.timedelta(days=10)):  # working their notice
        leaver = factories.make_staff(team=org["comms"], first_name="Nell", last_name="Notice", leave_date=LAST_DAY)
        projection.refresh(staff_ids=[leaver.pk])
        assert [line.label for line in requirement_lines_for_staff(leaver)] == ["Overdue"]

    assert requirement_lines_for_staff(leaver) == []
    for viewer in (org["manager"], hr):
        html = client_for(viewer).get(reverse("reports:team_person", args=[leaver.pk])).content.decode()
        assert f"Nell left on {LAST_DAY.day} {LAST_DAY:%B %Y}: nothing is asked of them since." in html
        assert "Overdue" not in html

    before = client_for(hr).get(
        reverse("reports:team_person", args=[leaver.pk]), {"as_at": LAST_DAY.isoformat(), "basis": "as_it_was"}
    )
    assert [line.label for line in before.context["lines"]] == ["Overdue"]
