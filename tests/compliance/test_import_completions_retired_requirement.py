"""A course mapped to a requirement HR has since retired, completed on the day it was retired (one completed before is
recorded: tests/compliance/test_import_completions_retired_since.py): the dry run said nothing and the apply recorded
its rows as evidence for a requirement no one is asked to do any more (certificates for it are refused). Now each
such course is skipped with a warning naming the course, the requirement, the day it was retired, its rows, and what
to do, through every door (the dry run, the batch page, the command, the apply), and the rest of the file is
recorded. The API says the same (tests/api/test_write_retired_requirement.py)."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.compliance.services import requirement_retire
from portal.lib.csvfiles import show_date
from tests import factories

from .test_import_excel_quirks import hr_upload
from .test_import_utf16 import private_files  # noqa: F401 (autouse: the files in a folder of the test's own)

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
FIRE = "NHS|CSTF|Fire Safety - 2 Years|"


def warning() -> str:
    return (
        f"'{FIRE}' counts towards Fire safety, which was retired on {show_date(timezone.localdate())}: its 2 rows "
        "completed since then are not recorded. If another requirement has taken its place, map the course to that "
        "one in the CMS (Settings > Course mappings); if not, nothing needs doing"
    )


@pytest.fixture
def fire(db):
    factories.make_staff(employee_number="20001")
    factories.make_staff(employee_number="20002")
    adults = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=adults)
    fire = factories.make_requirement(name="Fire safety", renewal_months=24)
    CompetenceMapping.objects.create(competence_name=FIRE, requirement=fire)
    return fire


def retire(requirement):
    requirement_retire(requirement=requirement, user=None, reason="Replaced by the national Fire Safety course")


def completions() -> bytes:
    lines = ["Person,Competence Name,Achievement Date,Expiry Date"]
    for number, course in [("20001", FIRE), ("20001", ADULTS), ("20002", FIRE)]:
        lines.append(f'"{number}|Surname, Forename",{course},{timezone.localdate():%d/%m/%Y},')  # the day it retires
    return ("\r\n".join(lines) + "\r\n").encode()


def recorded() -> list[tuple[str, str]]:
    return sorted(EvidenceEntry.objects.values_list("staff__employee_number", "requirement__name"))


def test_the_dry_run_skips_its_rows_with_a_warning_and_the_apply_records_the_rest(fire):
    retire(fire)
    batch, plan = import_batch_create(kind="completions", data=completions(), filename="olm.csv", user=None)
    assert (plan.retired_warnings(), plan.rejected, plan.can_apply) == ([warning()], [], True)
    assert [row.line for row in plan.to_record] == [3]
    assert plan.summary["skipped_retired"] == 2
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert recorded() == [("20001", "Safeguarding Adults Level 1")]
    assert (batch.summary["recorded"], batch.summary["skipped_retired"]) == (1, 2)


def test_retired_after_the_dry_run_the_apply_skips_them_too(fire):
    batch, plan = import_batch_create(kind="completions", data=completions(), filename="olm.csv", user=None)
    assert (len(plan.to_record), plan.retired_warnings()) == (3, [])
    retire(fire)
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert recorded() == [("20001", "Safeguarding Adults Level 1")]


def test_the_batch_page_says_it_and_offers_to_record_the_rest(fire, client):
    retire(fire)
    html = hr_upload(client, "completions", completions(), "olm.csv").replace("&#x27;", "'").replace("&gt;", ">")
    assert "2 skipped: the course's requirement is retired" in html and warning() in html
    assert "Record 1 completions" in html and not EvidenceEntry.objects.exists()


def test_a_page_kept_before_the_requirement_was_retired_says_it_once_opened_again(fire, client):
    html = hr_upload(client, "completions", completions(), "olm.csv")
    assert "Record 3 completions" in html
    retire(fire)
    batch = ImportBatch.objects.get()
    html = client.get(f"/hr/imports/{batch.pk}/").content.decode().replace("&#x27;", "'").replace("&gt;", ">")
    assert warning() in html and "Record 1 completions" in html


def test_the_command_says_it_and_applies_the_rest(fire, tmp_path):
    retire(fire)
    path = tmp_path / "olm.csv"
    path.write_bytes(completions())
    out = io.StringIO()
    call_command("import_completions", str(path), "--apply", stdout=out)
    said = out.getvalue()
    assert f"  skipped: {warning()}" in said and "skipped_retired: 2" in said
    assert recorded() == [("20001", "Safeguarding Adults Level 1")]
