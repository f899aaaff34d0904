"""A pause continued by another that begins the day after it ends (a maternity leave extended by a second pause) is
one stretch: about a day inside the first, as it was, the team page, the evidence pack's rows and the CSV and XLSX
(`as_it_was.table_on`) all say the person is paused until the end of the second. The export read only the pauses
that had begun by the end of the day, so it said the first pause's last day."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance import pauses
from portal.compliance.asat import Moment
from portal.compliance.pauses import pause_add
from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from portal.reports.basis import AS_IT_WAS
from portal.reports.exports import export_rows, export_rows_known
from portal.reports.team_listed import team_matrix_listed
from tests import factories

ONE = datetime.timedelta(days=1)


def _day():
    return timezone.localdate() - 10 * ONE


@pytest.fixture
def ward(db):
    trust = factories.make_team("Trust", kind="organisation")
    fire = factories.make_requirement(name="Fire Safety")
    mum = factories.make_staff(team=trust, first_name="Pat", last_name="Paused")
    refresh()
    hr = factories.make_user(first_name="Hana")
    hr.groups.add(hr_group())
    for first, last in ((_day() - 5 * ONE, _day() + 2 * ONE), (_day() + 3 * ONE, _day() + 8 * ONE)):
        pause_add(staff=mum, requirements=[fire], reason_code=pauses.MATERNITY, first_day=first, last_day=last, user=hr)
    return [trust]


# Days after DAY, read in the test: read when the file was imported, a run going past midnight asked for other days.
@pytest.mark.parametrize("days_after", [0, 2], ids=["inside the first", "its last day"])
def test_the_export_says_what_the_page_and_the_pack_say(ward, days_after):
    day = _day() + days_after * ONE
    until = _day() + 8 * ONE
    expected = [f"Paused until {until.day} {until:%B %Y}"]
    page = team_matrix_listed(ward, Moment.end_of(day), listed=10, basis=AS_IT_WAS)
    assert [cell.label for _, cells in page.people for cell in cells] == expected
    assert [row.status for row in export_rows_known(ward, Moment(day, timezone.now()))] == expected
    assert [row.status for row in export_rows(ward, Moment.end_of(day), basis=AS_IT_WAS)] == expected
