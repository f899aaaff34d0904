"""The dry run of a staff list holds what the import reads of it, not every cell: ESR's Staff in Post report has 45
or so columns the roster does not read, and the dry run kept each of them for every row until the whole file was read
(plus the whole file as text, twice), so a 30,000-row report made the web worker peak at 500 MB
(docs/benchmarks.md). The same rows with and without those columns now cost the dry run the same memory."""

import csv
import io
import tracemalloc

import pytest

from portal.lib.csvfiles import read_table
from portal.people.roster import plan_roster
from portal.people.roster.rows import ALIASES, COLUMNS, REQUIRED
from tests import factories
from tests.compliance.test_roster_as_wide_as_esr import HEADINGS, NOT_READ, _staff_list

PEOPLE = 2_000
READ = len(HEADINGS.split(","))


def _staff_lists(team, *, footer: str = "") -> tuple[bytes, bytes]:
    """The same people as ESR's report lists them (wide), and with only the columns the roster reads (narrow)."""
    wide = _staff_list(team, PEOPLE).decode().splitlines()
    if footer:
        wide.append(footer + "," * (READ + len(NOT_READ) - 1))
    narrow = io.StringIO()
    csv.writer(narrow, lineterminator="\r\n").writerows(cells[:READ] for cells in csv.reader(wide))
    return narrow.getvalue().encode(), ("\r\n".join(wide) + "\r\n").encode()


def _peak(read, data: bytes) -> tuple[int, object]:
    """The most memory `read(data)` held at once, over what was held before it began (the file itself aside)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = read(data)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    return peak, result


@pytest.mark.django_db
def test_the_dry_run_of_a_wide_staff_list_holds_no_more_than_of_a_narrow_one():
    team = factories.make_team("Wards")
    narrow, wide = _staff_lists(team)
    assert len(wide) > 3 * len(narrow)  # 45 more columns: most of the file is what the roster does not read

    narrow_peak, narrow_plan = _peak(plan_roster, narrow)
    wide_peak, wide_plan = _peak(plan_roster, wide)

    assert narrow_plan.summary == wide_plan.summary
    assert (wide_plan.rows, len(wide_plan.to_create), wide_plan.rejected) == (PEOPLE, PEOPLE, [])
    # Before, the wide file cost the reading of its rows three times the narrow file's (its cells, its text)
    assert wide_peak < narrow_peak * 1.15, (narrow_peak, wide_peak)


@pytest.mark.django_db
def test_reading_a_wide_file_keeps_the_footers_it_left_out_and_holds_only_the_columns_read():
    team = factories.make_team("Wards")
    narrow, wide = _staff_lists(team, footer="Report total: 2000")

    def read(data):
        return read_table(data, ALIASES, REQUIRED, COLUMNS)

    narrow_peak, _ = _peak(read, narrow)
    wide_peak, table = _peak(read, wide)

    assert len(table.records) == PEOPLE
    assert table.records[0] == (
        2,
        {
            "employee_number": "40000000",
            "assignment_number": "40000000-1",
            "last_name": "Surname0",
            "first_name": "Forename0",
            "work_email": "person0@example.nhs.uk",
            "job_title": "Staff Nurse",
            "staff_group": "Nursing and Midwifery Registered",
            "team_code": team.code,
            "manager_assignment": "",
            "start_date": "01/04/2020",
            "leave_date": "31/12/4712",
            "employment_type": "Permanent",
        },
    )
    assert table.ignored == [f"Line {PEOPLE + 2}: 'Report total: 2000' is a footer or summary line, not a record"]
    assert "Supervisor Full Name" in table.unused and "Additional Information 30" in table.unused
    assert wide_peak < narrow_peak * 1.15, (narrow_peak, wide_peak)
