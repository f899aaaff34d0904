"""The sample ESR files in tests/fixtures/esr (shown in docs/import-roster.md and docs/import-completions.md) import
as the guides say: supervisors by assignment number with an unknown one and a cycle, unused columns, a footer, an
employee number re-used with a new email, a blank achievement date, a leaver, dates with a time, and an XLSX copy of
each (the staff list's is made here from its CSV, as ESR's Excel download holds it: numbers and dates as cells)."""

import csv
import datetime
import io
from pathlib import Path

import pytest

from portal.compliance.completions import plan_completions
from portal.compliance.models import CompetenceMapping
from portal.compliance.roster import roster_apply
from portal.people.models import StaffMember
from portal.people.roster import plan_roster
from tests import factories

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "esr"
ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
DATA_SECURITY = "NHS|CSTF|Data Security Awareness - Level 1|"


@pytest.fixture
def trust(db):
    from portal.people.models import Team

    root = Team.add_root(code="WCCG", name="NHS Warrington CCG", kind="organisation")
    root.add_child(code="COMMS", name="Communications and Engagement", kind="team")
    root = Team.objects.get(pk=root.pk)
    root.add_child(code="SAFE", name="Safeguarding", kind="team")
    # Employee number 20000001 belonged to someone who left; ESR has given it to a new starter.
    factories.make_staff(
        employee_number="20000001",
        first_name="Zara",
        last_name="Hussain",
        work_email="zara.hussain@example.nhs.uk",
        team=Team.objects.get(code="COMMS"),
    )


def staff_list_xlsx() -> bytes:
    """The sample staff list as ESR's Excel download: the same rows, blank line and footer, on a sheet called 'Staff
    List' before a 'Parameters' sheet; employee numbers as numbers and dates as date cells."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Staff List"
    text = (SAMPLES / "staff-list.csv").read_text()
    for cells in csv.reader(io.StringIO(text)):
        sheet.append([_as_excel_cell(cell) for cell in cells])
    workbook.create_sheet("Parameters").append(["Report run date", datetime.datetime(2026, 12, 4, 7, 30)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _as_excel_cell(text: str):
    if text.isdigit():
        return int(text)
    for shape in ("%d-%b-%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, shape)
        except ValueError:
            continue
    return text


@pytest.mark.parametrize("sample", ["staff-list.csv", "staff-list.xlsx"])
def test_the_sample_staff_list_dry_run(trust, sample):
    data = staff_list_xlsx() if sample.endswith(".xlsx") else (SAMPLES / sample).read_bytes()
    plan = plan_roster(data)
    assert plan.errors == [
        (5, "Supervisor Assignment Number 10000099-1 of employee 10000004 is held by no one in the file or the portal"),
        (6, "line manager cycle: 10000005 (line 6) → 10000006 (line 7) → 10000005 (line 6)"),
    ]
    assert plan.unused == ["Supervisor Full Name", "Payscale"]
    assert plan.ignored == [
        "Line 10: 'Report total: 7 assignments' is a footer or summary line, not a record",
        "1 blank line",
    ]
    (change,) = plan.identity
    assert change.reused and change.person.line == 8
    assert "Work email: zara.hussain@example.nhs.uk to tom.price@example.nhs.uk" in change.changes
    assert plan.summary["created"] == 6 and not plan.rejected
    sam = next(p for p in plan.to_create if p.employee_number == "10000001")
    assert sam.fields["leave_date"] is None and sam.manager_number == "10000002"  # 31/12/4712 is no leave date
    assert sam.fields["start_date"] == datetime.date(2022, 1, 3)


def _corrected_staff_list() -> bytes:
    text = (SAMPLES / "staff-list.csv").read_text()
    return text.replace("10000099-1", "10000002-1").replace('10000005-1,"Evans', '10000002-1,"Evans').encode()


def test_the_sample_competence_report_csv_and_xlsx(trust):
    plan = plan_roster(_corrected_staff_list())
    assert plan.can_apply, (plan.problems, plan.rejected)
    roster_apply(plan, confirmed_identity=plan.identity_fingerprint)
    assert StaffMember.objects.get(employee_number="10000004").line_manager.employee_number == "10000002"
    adults = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    security = factories.make_requirement(name="Data Security Awareness Level 1", renewal_months=12)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=adults)
    CompetenceMapping.objects.create(competence_name=DATA_SECURITY, requirement=security)
    for name, options in (("competences.csv", {}), ("competences.xlsx", {"sheet": "Competence Report"})):
        completions = plan_completions((SAMPLES / name).read_bytes(), **options)
        assert completions.can_apply, (name, completions.problems, completions.rejected)
        listing = [(r["line"], r["employee_number"], r["requirement"]) for r in completions.listing()]
        assert listing == [
            (2, "10000001", "Safeguarding Adults Level 1"),
            (4, "10000002", "Safeguarding Adults Level 1"),
            (5, "10000002", "Data Security Awareness Level 1"),
        ], name
        assert completions.not_completed == 1 and completions.not_on_roster == [(7, "99990001-1")]
        assert completions.skipped == {"NHS|CSTF|Fire Safety - 2 Years|": 1}
        assert completions.unused == ["Compliance", "Organisation"]
        assert completions.ignored == ["Line 8: 'Report total: 6 rows' is a footer or summary line, not a record"]
