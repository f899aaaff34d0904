"""ESR's end of time, 31/12/4712, as a completion's expiry, however the report writes it: ESR's Excel download holds
it as a date cell, and other tools write 31-Dec-4712 or 4712-12-31. Only the text 31/12/4712 was taken for "no stated
expiry"; the others were refused as later than the renewal period allows ("Expiry Date 31/12/4712 is later than
01/02/2028"), so an Excel download with any course that does not expire could not be recorded at all."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from tests import factories

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def grace(db):
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    return factories.make_staff(employee_number="20001", first_name="Grace", last_name="Jones")


def esr_download(*expiries) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Competence Report"
    sheet.append(["Person", "Competence Name", "Achievement Date", "Expiry Date"])
    for month, expiry in enumerate(expiries, start=1):
        sheet.append(["20001|Jones, Grace", ADULTS, datetime.datetime(2025, month, 1), expiry])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_end_of_time_is_no_stated_expiry_however_written(grace, tmp_path):
    data = esr_download(datetime.datetime(4712, 12, 31), "31-Dec-4712", "4712-12-31", "31/12/4712 00:00")
    batch, plan = import_batch_create(kind="completions", data=data, filename="olm.xlsx", user=None)
    assert (plan.rejected, [row.expires_on for row in plan.to_record]) == ([], [None] * 4)
    path = tmp_path / "olm.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_file", "completions", str(path), stdout=out)
    assert "to_record: 4" in out.getvalue() and "rejected: 0" in out.getvalue()
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE
    assert list(EvidenceEntry.objects.values_list("expires_on", flat=True)) == [None] * 4


def test_any_other_far_expiry_is_still_refused(grace):
    _, plan = import_batch_create(
        kind="completions", data=esr_download(datetime.datetime(4712, 12, 30)), filename="olm.xlsx", user=None
    )
    expected = "Expiry Date 30/12/4712 is later than 01/01/2028: the renewal period of Safeguarding Adults"
    assert [(line, text.startswith(expected)) for line, text in plan.rejected] == [(2, True)]
