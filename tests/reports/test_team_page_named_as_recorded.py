"""The team page about a past day as recorded then names each person as the portal had them recorded by the end of
that day (their name, employee number and bank or agency tag then), as its CSV and XLSX on the same clock do
(`exports.export_rows`, `people.history.identities_before`), and lists them by those names: someone renamed,
renumbered or taken onto the substantive staff since is shown as they were. As it was, the page and its download
both name people as they are now."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance.asat import Moment
from portal.compliance.projection import refresh
from portal.people.history import staff_changes_record
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.exports import EMPLOYMENT, export_rows
from portal.reports.team import team_matrix
from portal.reports.team_listed import team_matrix_listed
from tests import factories

# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
TODAY = DAY = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global TODAY, DAY
    TODAY = timezone.localdate()
    DAY = TODAY - datetime.timedelta(days=20)


@pytest.fixture
def ward(db):
    """Zoe Young, a bank nurse, recorded long before the day; renamed Ann Able, renumbered and made substantive after
    it. Mo Middle, unchanged, sorts between her two names."""
    with freeze_time(
        timezone.make_aware(datetime.datetime.combine(DAY - datetime.timedelta(days=30), datetime.time(9)))
    ):
        trust = factories.make_team("Trust", kind="organisation")
        ward = factories.make_team("Ward 1", parent=trust)
        factories.make_requirement(name="Fire Safety")
        renamed = factories.make_staff(
            team=ward, first_name="Zoe", last_name="Young", employee_number="E0000001", employment_type="bank"
        )
        factories.make_staff(team=ward, first_name="Mo", last_name="Middle")
        refresh()
    renamed.first_name, renamed.last_name, renamed.employee_number = "Ann", "Able", "E0000099"
    renamed.employment_type = "substantive"
    renamed.save()
    staff_changes_record([renamed])
    return [trust]


def _page(scope, basis):
    return [
        (p.full_name, p.employee_number, p.employment)
        for p, _ in team_matrix_listed(scope, Moment.end_of(DAY), listed=10, basis=basis).people
    ]


def _download(scope, basis):
    rows = export_rows(scope, Moment.end_of(DAY), basis=basis)
    found = {(r.name, r.employee_number, r.employment_type) for r in rows}
    return sorted(found, key=lambda row: row[0].split()[::-1])


@pytest.mark.parametrize("basis", [AS_RECORDED, AS_IT_WAS])
def test_the_page_names_people_as_its_download_on_the_same_clock_does(ward, basis):
    tags = {"Bank": EMPLOYMENT["bank"], "": EMPLOYMENT["substantive"]}
    page = [(name, number, tags[tag]) for name, number, tag in _page(ward, basis)]
    assert page == _download(ward, basis)
    whole = team_matrix(ward, Moment.end_of(DAY), basis=basis)
    assert [(p.full_name, p.employee_number, p.employment) for p, _ in whole.people] == _page(ward, basis)


def test_as_recorded_she_is_listed_as_she_was_then(ward):
    assert _page(ward, AS_RECORDED)[1] == ("Zoe Young", "E0000001", "Bank")  # after Mo Middle, as she sorted then
    assert [name for name, _, _ in _page(ward, AS_IT_WAS)] == ["Ann Able", "Mo Middle"]
