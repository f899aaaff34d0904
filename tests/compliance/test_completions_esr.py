"""An ESR compliance report as HR downloads it: people who have not done a course, leavers, dates with a time,
Excel files, and a dry run that says who and what will be recorded."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.completions import plan_completions
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.roles import hr_group
from tests import factories
from tests.compliance import test_completions as base
from tests.compliance.test_completions import ADULTS, CHILDREN, esr

people, adults = base.people, base.adults  # the same fixtures: Grace 20001 and Sam 20002, Safeguarding Adults L1


def test_a_blank_achievement_date_is_counted_and_skipped(people, adults):
    plan = plan_completions(esr(f'"20001|Jones, Grace","{ADULTS}",,', f'"20002|Taylor, Sam","{ADULTS}",01/02/2026,'))
    assert plan.can_apply and plan.not_completed == 1 and len(plan.to_record) == 1
    assert plan.summary["skipped_not_completed"] == 1


def test_dates_with_a_time_are_read(people, adults):
    plan = plan_completions(
        esr(
            f'"20001|Jones, Grace","{ADULTS}",01/02/2026 00:00,2029-02-01T00:00:00',
            f'"20002|Taylor, Sam","{ADULTS}",2026-02-01T09:30:00,31/12/4712',
        )
    )
    assert plan.can_apply, plan.rejected
    assert [(r.completed_on, r.expires_on) for r in plan.to_record] == [
        (datetime.date(2026, 2, 1), datetime.date(2029, 2, 1)),
        (datetime.date(2026, 2, 1), None),  # ESR's end of time is no stated expiry
    ]


def test_people_not_on_the_roster_are_listed_by_line_and_skipped(people, adults):
    data = esr(f'"99999|Leaver, Ann","{ADULTS}",01/01/2025,', f'"20001|Jones, Grace","{ADULTS}",01/01/2025,')
    plan = plan_completions(data)
    assert plan.can_apply and plan.not_on_roster == [(2, "99999")] and len(plan.to_record) == 1
    strict = plan_completions(data, strict=True)
    assert not strict.can_apply and strict.rejected == [(2, "Person '99999' is not on the roster")]


def test_unmapped_courses_are_skipped_before_their_dates_are_checked(people, adults):
    plan = plan_completions(esr(f'"20001|Jones, Grace","{CHILDREN}",not a date,'))
    assert plan.can_apply and plan.skipped == {CHILDREN: 1} and not plan.rejected


def test_malformed_rows_still_block_the_file(people, adults):
    plan = plan_completions(esr(f'"20001|Jones, Grace","{ADULTS}",31/02/2025,'))
    assert not plan.can_apply


def _workbook(rows, title="Competences"):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["This sheet is not the data"])
    sheet = workbook.create_sheet(title)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_report_imports_from_a_named_sheet(people, adults):
    data = _workbook(
        [
            ["Person", "Competence Name", "Achievement Date", "Expiry Date", "Compliance"],
            ["20001|Jones, Grace", ADULTS, datetime.datetime(2026, 2, 1), datetime.datetime(2029, 2, 1), "Yes"],
            ["20002|Taylor, Sam", ADULTS, None, None, "No"],
            ["Report total", 2],
        ]
    )
    plan = plan_completions(data, sheet="Competences")
    assert plan.can_apply, (plan.problems, plan.rejected)
    assert [(r.line, r.completed_on) for r in plan.to_record] == [(2, datetime.date(2026, 2, 1))]
    assert plan.not_completed == 1 and plan.unused == ["Compliance"]
    assert plan.ignored == ["Line 4: 'Report total 2' is a footer or summary line, not a record"]
    first_sheet = plan_completions(data)
    assert not first_sheet.can_apply and "no column for" in first_sheet.problems[0]
    assert "has no sheet called 'Nope'" in plan_completions(data, sheet="Nope").problems[0]


def test_the_dry_run_lists_who_and_what_with_a_download(client, people, adults):
    hr = factories.make_user()
    hr.groups.add(hr_group())
    factories.sign_in(client, factories.with_mfa(hr))
    data = esr(f'"20001|Jones, Grace","{ADULTS}",01/02/2026,', f'"99999|Leaver, Ann","{ADULTS}",01/02/2026,')
    response = client.post(
        reverse("imports:upload", args=["completions"]), {"file": SimpleUploadedFile("c.csv", data), "strict": ""}
    )
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "20001 Grace Jones" in page and "Safeguarding Adults Level 1" in page and "1 Feb 2026" in page
    assert "Line 3: 99999" in page and "1 skipped: person not on the roster" in page
    assert '<th scope="col" class="nhsuk-table__header">Requirement</th>' in page  # what the column shows
    download = client.get(reverse("imports:planned_csv", args=[batch.pk]))
    lines = download.content.decode().splitlines()
    assert lines == [
        "Line,Employee number,Name,Course,Requirement,Completed,Expires",
        f"2,20001,Grace Jones,{ADULTS},Safeguarding Adults Level 1,2026-02-01,",
    ]


def test_the_strict_checkbox_makes_a_leaver_an_error(client, people, adults):
    hr = factories.make_user()
    hr.groups.add(hr_group())
    factories.sign_in(client, factories.with_mfa(hr))
    data = esr(f'"99999|Leaver, Ann","{ADULTS}",01/02/2026,')
    response = client.post(
        reverse("imports:upload", args=["completions"]), {"file": SimpleUploadedFile("c.csv", data), "strict": "on"}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Line 2: Person &#x27;99999&#x27; is not on the roster" in page
    batch = ImportBatch.objects.get()
    import_batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.FAILED and not EvidenceEntry.objects.exists()


def test_a_leaver_does_not_stop_the_rest_applying(people, adults):
    data = esr(f'"99999|Leaver, Ann","{ADULTS}",01/02/2026,', f'"20001|Jones, Grace","{ADULTS}",01/02/2026,')
    batch, _ = import_batch_create(kind="completions", data=data, filename="c.csv", user=None)
    import_batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.DONE and EvidenceEntry.objects.get().source_ref.endswith("line 3")


def test_the_persons_history_shows_when_they_did_it_and_when_and_whence_it_was_recorded(client, people, adults):
    grace, _ = people
    data = esr(f'"20001|Jones, Grace","{ADULTS}",01/02/2026 00:00,')
    batch, _ = import_batch_create(kind="completions", data=data, filename="esr-competences.csv", user=None)
    import_batch_apply(batch=batch, user=None)
    hr = factories.make_user()
    hr.groups.add(hr_group())
    factories.sign_in(client, factories.with_mfa(hr))
    page = client.get(reverse("reports:team_person", args=[grace.pk])).content.decode()
    recorded = EvidenceEntry.objects.get().recorded_at
    assert (
        f"Imported completion: completed 1 Feb 2026, recorded {recorded:%-d %b %Y} from esr-competences.csv "
        f"(import batch {batch.pk} line 2)"
    ) in page


def test_my_history_shows_when_and_from_which_file_an_import_was_recorded(client, people, adults):
    grace, _ = people
    data = esr(f'"20001|Jones, Grace","{ADULTS}",01/02/2026 00:00,')
    batch, _ = import_batch_create(kind="completions", data=data, filename="esr-competences.csv", user=None)
    import_batch_apply(batch=batch, user=None)
    factories.sign_in(client, grace.user)
    page = client.get(reverse("reports:my_training")).content.decode()
    recorded = EvidenceEntry.objects.get().recorded_at
    assert "1 February 2026" in page  # when Grace did it
    assert (
        f"Imported completion, recorded {recorded:%-d %B %Y} from esr-competences.csv (import batch {batch.pk} line 2)"
    ) in page
