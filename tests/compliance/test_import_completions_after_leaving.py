"""A completion dated after the person's leave date: they left on 31 March, and the national record says they completed
safeguarding on 14 May (at their next employer: the record follows people between NHS employers). The dry run passed
it and the apply recorded it, as training done here. Now it is skipped with a warning naming the line, the number as
the file gives it, both dates, through every door (dry run, upload page, command, apply), CSV or XLSX, strict or not,
as a row naming someone not on the roster is; the rest of the file is recorded. A completion on the leave date itself
is training done here."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.people.models import StaffMember
from tests import factories

from .test_import_excel_quirks import hr_upload

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
HEADINGS = ["Person", "Competence Name", "Achievement Date", "Expiry Date"]
LEFT_ON = datetime.date(2025, 3, 31)
WARNING = (
    "Person '20001-1' left on 31/03/2025, before this completion on 14/05/2025: a course done after leaving is not "
    "training done here, so it is not recorded"
)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def leaver(db):
    staff = factories.make_staff(employee_number="20001", last_name="Leaver", leave_date=LEFT_ON)
    staff.assignments.update(number="20001-1")
    return staff


@pytest.fixture
def stayer(db):
    return factories.make_staff(employee_number="20002", last_name="Stayer")


@pytest.fixture
def adults(db):
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    return requirement


ROWS = [
    ["20001-1|Leaver, Ann", ADULTS, datetime.date(2025, 5, 14), datetime.date(2028, 5, 14)],  # after she left
    ["20001-1|Leaver, Ann", ADULTS, datetime.date(2025, 3, 31), None],  # her last day: done here
    ["20002|Stayer, Sam", ADULTS, datetime.date(2025, 5, 14), None],
]


def csv_file() -> bytes:
    lines = [",".join(HEADINGS)]
    for person, course, done, expires in ROWS:
        lines.append(f'"{person}",{course},{done:%d/%m/%Y},{f"{expires:%d/%m/%Y}" if expires else ""}')
    return ("\r\n".join(lines) + "\r\n").encode()


def xlsx_file() -> bytes:
    """As ESR downloads it: dates stored as dates."""
    book = openpyxl.Workbook()
    book.active.append(HEADINGS)
    for row in ROWS:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def recorded() -> list[tuple[str, datetime.date]]:
    return sorted(EvidenceEntry.objects.values_list("staff__employee_number", "completed_at__date"))


def apply(batch: ImportBatch) -> ImportBatch:
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    return batch


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_completion_after_the_leave_date_is_skipped_with_a_warning(leaver, stayer, adults, make, strict):
    batch, plan = import_batch_create(
        kind="completions", data=make(), filename="olm", user=None, options={"strict": strict}
    )
    assert (plan.after_leaving, plan.rejected, plan.problems, plan.can_apply) == ([(2, WARNING)], [], [], True)
    assert [(row.line, row.staff_id) for row in plan.to_record] == [(3, leaver.pk), (4, stayer.pk)]
    assert plan.summary["skipped_after_leaving"] == 1
    batch = apply(batch)
    assert recorded() == [("20001", LEFT_ON), ("20002", datetime.date(2025, 5, 14))]
    assert (batch.summary["recorded"], batch.summary["skipped_after_leaving"]) == (2, 1)


def test_the_upload_page_lists_it_by_line(leaver, stayer, adults, client):
    html = hr_upload(client, "completions", csv_file(), "olm.csv").replace("&#x27;", "'")
    assert "1 skipped: completed after the person left" in html and f"Line 2: {WARNING}" in html
    assert "Record 2 completions" in html and not EvidenceEntry.objects.exists()


def test_the_command_lists_it_by_line_and_applies_the_rest(leaver, stayer, adults, tmp_path):
    path = tmp_path / "olm.xlsx"
    path.write_bytes(xlsx_file())
    out = io.StringIO()
    call_command("import_completions", str(path), "--apply", stdout=out)
    said = out.getvalue()
    assert f"  skipped line 2: {WARNING}" in said and "skipped_after_leaving: 1" in said
    assert recorded() == [("20001", LEFT_ON), ("20002", datetime.date(2025, 5, 14))]


def test_a_leave_date_the_roster_gives_after_the_dry_run_skips_the_row_at_the_apply(stayer, adults):
    """The apply reads the file again against the roster as it is then: a leave date named in between (the roster
    imported after the dry run, before the worker applied it) skips the row there too, as the dry run would now."""
    person = factories.make_staff(employee_number="20001")
    person.assignments.update(number="20001-1")
    batch, plan = import_batch_create(kind="completions", data=csv_file(), filename="olm.csv", user=None)
    assert (len(plan.to_record), plan.after_leaving) == (3, [])
    StaffMember.objects.filter(pk=person.pk).update(leave_date=LEFT_ON)
    batch = apply(batch)
    assert recorded() == [("20001", LEFT_ON), ("20002", datetime.date(2025, 5, 14))]
    assert batch.summary["skipped_after_leaving"] == 1
