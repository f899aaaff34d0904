"""Two rows a dry run called 'already recorded' though that was not what happened. A completion HR voided (another
person's record, say) keeps its key, so the next nightly file giving it again does not record it: right, but it is
not recorded, it was voided. And a later file giving a recorded completion (same person, course, day) another expiry
date does not change it: the recorded date is kept, silently. Now the dry run (page, command, API) says each, by
line, counted apart from the rows already recorded as the file gives them, and the counts still add up to the rows.
Planning asks the database the same number of questions however many such rows there are."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.compliance.completions import plan_completions
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.compliance.services import evidence_void
from portal.lib.csvfiles import show_date
from portal.people.roles import hr_group
from tests import factories
from tests.people.roster_doors import private_files  # noqa: F401

from .test_import_excel_quirks import hr_upload

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
KEPT = "already recorded with expiry 02/02/2028; the file says 02/02/2027: the recorded date is kept"


@pytest.fixture
def hr(db):
    user = factories.with_mfa(factories.make_user(first_name="Hana", last_name="Officer"))
    user.groups.add(hr_group())
    return user


@pytest.fixture
def adults(db):
    for number in ("20001", "20002", "20003"):
        factories.make_staff(employee_number=number)
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    return requirement


def esr(*rows) -> bytes:
    return ("\r\n".join(["Person,Competence Name,Achievement Date,Expiry Date", *rows]) + "\r\n").encode()


def record(data: bytes, hr) -> ImportBatch:
    batch, _ = import_batch_create(kind="completions", data=data, filename="esr.csv", user=hr)
    import_batch_apply(batch=batch, user=hr)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE
    return batch


def adds_up(summary: dict) -> bool:
    return sum(value for name, value in summary.items() if name not in {"rows", "recorded"}) == summary["rows"]


@pytest.fixture
def voided_and_other_expiry(adults, hr):
    """The first night's file recorded; HR then voided 20001's completion. The next night's file gives it again,
    20002's with another expiry, and 20003's as recorded."""
    record(esr(*(f"{n},{ADULTS},02/02/2025,02/02/2028" for n in ("20001", "20002", "20003"))), hr)
    evidence_void(entry=EvidenceEntry.objects.get(staff__employee_number="20001"), reason="Not hers", voided_by=hr)
    return esr(
        f"20001,{ADULTS},02/02/2025,02/02/2028",
        f"20002,{ADULTS},02/02/2025,02/02/2027",
        f"20003,{ADULTS},02/02/2025,02/02/2028",
    )


def test_the_dry_run_says_voided_and_kept_by_line_and_its_counts_add_up(voided_and_other_expiry):
    plan = plan_completions(voided_and_other_expiry)
    voided = f"voided by HR on {show_date(timezone.localdate())}: not recorded again"
    assert (plan.voided, plan.other_expiry) == ([(2, voided)], [(3, KEPT)])
    summary = plan.summary
    assert (summary["to_record"], summary["already_recorded"]) == (0, 1)
    assert (summary["not_recorded_voided"], summary["already_recorded_other_expiry"]) == (1, 1)
    assert adds_up(summary)


def test_no_expiry_on_either_side_is_named_as_such(adults, hr):
    record(esr(f"20001,{ADULTS},02/02/2025,", f"20002,{ADULTS},02/02/2025,02/02/2028"), hr)
    plan = plan_completions(esr(f"20001,{ADULTS},02/02/2025,02/02/2028", f"20002,{ADULTS},02/02/2025,No Expiry"))
    assert plan.other_expiry == [
        (
            2,
            "already recorded with no expiry date (the renewal period applies); the file says 02/02/2028: the "
            "recorded date is kept",
        ),
        (3, "already recorded with expiry 02/02/2028; the file gives none: the recorded date is kept"),
    ]


def test_the_apply_records_nothing_and_says_the_same(voided_and_other_expiry, hr, client):
    before = list(EvidenceEntry.objects.values_list("pk", "expires_on"))
    batch = record(voided_and_other_expiry, hr)
    assert list(EvidenceEntry.objects.values_list("pk", "expires_on")) == before
    summary = batch.summary
    assert (summary["recorded"], summary["already_recorded"]) == (0, 1)
    assert (summary["not_recorded_voided"], summary["already_recorded_other_expiry"]) == (1, 1)
    assert adds_up(summary)
    factories.sign_in(client, hr)
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "1 were already recorded with another expiry date, which was kept" in page
    assert "1 were voided by HR earlier, so were not recorded again" in page


def test_the_page_says_it(voided_and_other_expiry, client):
    html = hr_upload(client, "completions", voided_and_other_expiry, "esr.csv").replace("&#x27;", "'")
    assert "1 already recorded</strong>" in html
    assert "1 not recorded: voided by HR" in html and "1 already recorded with another expiry date" in html
    assert f"Line 3: {KEPT}" in html and "Line 2: voided by HR on " in html


def test_the_command_says_it(voided_and_other_expiry, tmp_path):
    path = tmp_path / "esr.csv"
    path.write_bytes(voided_and_other_expiry)
    out = io.StringIO()
    call_command("import_completions", str(path), stdout=out)
    said = out.getvalue()
    assert "not_recorded_voided: 1" in said and "already_recorded_other_expiry: 1" in said
    assert f"  skipped line 3: {KEPT}" in said and "  skipped line 2: voided by HR on " in said


def test_planning_asks_as_many_queries_however_many_such_rows(adults, hr):
    more = [factories.make_staff(employee_number=f"3000{n}") for n in range(4)]
    record(esr(*(f"{p.employee_number},{ADULTS},02/02/2025,02/02/2028" for p in more)), hr)
    for entry in EvidenceEntry.objects.filter(staff__in=more[:2]):
        evidence_void(entry=entry, reason="Not theirs", voided_by=hr)
    one = esr(f"20001,{ADULTS},02/02/2025,02/02/2028")
    many = esr(*(f"{p.employee_number},{ADULTS},02/02/2025,02/02/2027" for p in more))
    with CaptureQueriesContext(connection) as few:
        plan_completions(one)
    with CaptureQueriesContext(connection) as lots:
        plan = plan_completions(many)
    assert (len(plan.voided), len(plan.other_expiry)) == (2, 2)
    assert len(lots) == len(few)
