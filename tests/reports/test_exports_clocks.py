"""CSV and XLSX exports about a past day on both clocks: "as it was" (the default) writes each person's row from the
status table in effective time, in the team and staff group they were in then, naming the completion that counts;
"as recorded then" writes what the portal showed. The file's name, the workbook and the audit log say which; a clock
that is not one is named and nothing is exported; who may export is unchanged."""

import csv
import datetime
import io

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.audit.models import AuditEvent
from portal.compliance import projection
from portal.compliance.asat import Moment
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, Requirement
from portal.people.history import staff_changes_record
from portal.people.models import StaffChange, Team
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.exports import export_rows, export_rows_known
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for

CSV, XLSX = reverse("exports:csv"), reverse("exports:xlsx")


def _day():
    # the past day exported
    return timezone.localdate() - datetime.timedelta(days=40)


COURSE = "NHS|CSTF|Safeguarding Adults - Level 1 - 1 Year|"


@pytest.fixture
def history(org, hr):
    """The roster as loaded long ago (so "as recorded then" has people on it), and the course mapped for imports."""
    projection.refresh()  # the status table for everyone, HR's officer (made after the organisation) included
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    requirement = Requirement.objects.get(name="Safeguarding Adults Level 1")
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=requirement)
    return requirement


def _import_today(*rows):
    """A completions file from the national records, applied now through the normal import path."""
    header = "Employee Number,Competence Name,Achievement Date,Expiry Date"
    data = ("\r\n".join([header, *rows]) + "\r\n").encode()
    batch, plan = import_batch_create(kind="completions", data=data, filename="late.csv", user=None)
    assert plan.can_apply, plan.rejected
    import_batch_apply(batch=batch, user=None, background=False)


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _by_name(rows) -> dict[str, list[str]]:
    return {row[1]: row for row in rows[1:]}


def test_a_late_imported_completion_shows_as_it_was_and_not_as_recorded_then(org, hr, history):
    client = client_for(hr)
    done = _day() - datetime.timedelta(days=10)
    _import_today(f"{org['sam'].employee_number},{COURSE},{done:%d/%m/%Y},")
    entry = EvidenceEntry.objects.get(staff=org["sam"])

    as_it_was = _by_name(_csv(client.get(CSV, {"as_at": _day().isoformat(), "basis": AS_IT_WAS})))
    sam = as_it_was["Sam Digital"]
    assert sam[2:4] == ["Digital", "Administrative and Clerical"]
    assert sam[6:9] == ["Compliant", done.isoformat(), (done.replace(year=done.year + 1)).isoformat()]
    assert sam[10] == "Imported completion" and sam[14] == str(entry.seq)  # the completion that counts, named
    assert as_it_was["Grace Manager"][6] == "Overdue" and as_it_was["Grace Manager"][14] == ""

    as_recorded = _by_name(_csv(client.get(CSV, {"as_at": _day().isoformat(), "basis": AS_RECORDED})))
    assert set(as_recorded) == set(as_it_was)  # the same people, long on the roster
    assert as_recorded["Sam Digital"][6:8] == ["Overdue", ""] and as_recorded["Sam Digital"][14] == ""

    # The default is as it was; the day before the completion, as it was, Sam had nothing either.
    assert _csv(client.get(CSV, {"as_at": _day().isoformat()})) == _csv(
        client.get(CSV, {"as_at": _day().isoformat(), "basis": AS_IT_WAS})
    )
    before = _by_name(_csv(client.get(CSV, {"as_at": (done - datetime.timedelta(days=1)).isoformat()})))
    assert before["Sam Digital"][6] == "Overdue"


def test_as_it_was_writes_the_team_and_staff_group_of_then(org, hr, history):
    """Sam moved to Finance and changed staff group, dated after the day: as it was then, Sam is in Digital still."""
    sam = org["sam"]
    sam.team, sam.staff_group = org["finance"], "Nursing and Midwifery Registered"
    sam.save()
    staff_changes_record([sam], effective=_day() + datetime.timedelta(days=5))
    projection.refresh(staff_ids=[sam.pk])
    client = client_for(hr)

    comms_then = _by_name(_csv(client.get(CSV, {"team": org["comms"].pk, "as_at": _day().isoformat()})))
    assert comms_then["Sam Digital"][2:4] == ["Digital", "Administrative and Clerical"]
    finance_then = _by_name(_csv(client.get(CSV, {"team": org["finance"].pk, "as_at": _day().isoformat()})))
    assert "Sam Digital" not in finance_then
    after = (_day() + datetime.timedelta(days=6)).isoformat()
    finance_after = _by_name(_csv(client.get(CSV, {"team": org["finance"].pk, "as_at": after})))
    assert finance_after["Sam Digital"][2:4] == ["Finance", "Nursing and Midwifery Registered"]
    assert "Sam Digital" not in _by_name(_csv(client.get(CSV, {"team": org["comms"].pk, "as_at": after})))
    # As recorded then, the move was not known on either day: Digital both times.
    recorded = _by_name(_csv(client.get(CSV, {"team": org["comms"].pk, "as_at": after, "basis": AS_RECORDED})))
    assert recorded["Sam Digital"][2] == "Digital"


def test_the_files_say_their_clock_and_the_csv_holds_only_the_columns(org, hr, history):
    client = client_for(hr)
    query = {"team": org["comms"].pk, "as_at": _day().isoformat()}
    response = client.get(CSV, query)
    assert response["Content-Disposition"] == (
        f'attachment; filename="compliance-communications-{_day():%Y-%m-%d}-as-it-was.csv"'
    )
    rows = _csv(response)
    assert rows[0][0] == "Employee number" and all(len(row) == len(rows[0]) for row in rows)
    recorded = client.get(CSV, {**query, "basis": AS_RECORDED})
    assert recorded["Content-Disposition"].endswith(f'-{_day():%Y-%m-%d}-as-recorded-then.csv"')
    live = client.get(CSV, {"team": org["comms"].pk})
    assert (
        live["Content-Disposition"]
        == f'attachment; filename="compliance-communications-{timezone.localdate():%Y-%m-%d}.csv"'
    )

    response = client.get(XLSX, query)
    assert response["Content-Disposition"].endswith(f'-{_day():%Y-%m-%d}-as-it-was.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Communications", "About this export"]
    sheet = [
        ["" if v is None else str(v)[:10] if isinstance(v, datetime.datetime) else str(v) for v in row]
        for row in workbook.active.iter_rows(values_only=True)
    ]
    assert sheet == rows  # the first sheet: the same rows as the CSV, nothing else
    about = {row[0]: row[1] for row in workbook["About this export"].iter_rows(values_only=True)}
    assert about["Basis"] == "As it was"
    assert about["What that means"].startswith("as it was, from everything we know now")
    assert about["As at"] == f"The end of {_day().day} {_day():%B %Y} (UK time)"
    assert "Basis: As it was" in workbook.properties.description

    workbook = load_workbook(io.BytesIO(b"".join(client.get(XLSX, {**query, "basis": AS_RECORDED}).streaming_content)))
    about = {row[0]: row[1] for row in workbook["About this export"].iter_rows(values_only=True)}
    assert about["Basis"] == "As recorded then"
    after = _day() + datetime.timedelta(days=1)
    assert about["Evidence recorded before"] == f"{after.day} {after:%B %Y} 00:00 (UK time)"  # the day's end


def test_the_audit_log_records_the_clock(org, hr, history):
    client = client_for(hr)
    client.get(CSV, {"as_at": _day().isoformat()})
    client.get(XLSX, {"as_at": _day().isoformat(), "basis": AS_RECORDED})
    client.get(CSV)
    details = list(AuditEvent.objects.filter(action=AuditEvent.EXPORT).order_by("pk").values_list("detail", flat=True))
    assert [(d["format"], d["basis"]) for d in details] == [("csv", AS_IT_WAS), ("xlsx", AS_RECORDED), ("csv", "live")]


@pytest.mark.parametrize("url", [CSV, XLSX])
@pytest.mark.parametrize("value", ["yesterday", "AS_IT_WAS", "as it was", "<script>"])
def test_a_clock_that_is_not_one_is_named_and_nothing_is_exported(org, hr, url, value):
    response = client_for(hr).get(url, {"as_at": _day().isoformat(), "basis": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose “As it was” or “As recorded then”" in page and "<script>" not in page
    assert "nothing was exported" in page
    assert not AuditEvent.objects.filter(action=AuditEvent.EXPORT).exists()


def test_who_may_export_on_either_clock_is_unchanged(org, hr, history, client):
    query = {"as_at": _day().isoformat()}
    manager = client_for(org["manager"])
    outsider = client_for(org["other"])
    for basis in (AS_IT_WAS, AS_RECORDED):
        assert manager.get(CSV, {**query, "basis": basis, "team": org["digital"].pk}).status_code == 200
        assert client_for(hr).get(XLSX, {**query, "basis": basis, "team": org["comms"].pk}).status_code == 200
        assert outsider.get(CSV, {**query, "basis": basis, "team": org["comms"].pk}).status_code == 404
        assert outsider.get(XLSX, {**query, "basis": basis, "team": org["digital"].pk}).status_code == 404
        assert client_for(org["sam"]).get(CSV, {**query, "basis": basis}).status_code == 403
        assert client.get(CSV, {**query, "basis": basis})["Location"].startswith("/accounts/login/")
    # An outsider exporting their own teams as it was sees only their own people, and was refused unaudited.
    names = {row[1] for row in _csv(outsider.get(CSV, query))[1:]}
    assert names == {"Fay Finance", "Felix Other", "Hana Human-Resources"}
    refused = AuditEvent.objects.filter(action=AuditEvent.EXPORT, actor=org["other"].user)
    assert refused.count() == 1 and "Communications" not in refused.get().scope


def test_the_table_and_the_records_read_afresh_give_the_same_rows(org, hr, history, policy):
    """With a cut-off after the newest fact, the rows worked out afresh from the records (what a pack as it was
    writes) are the rows read from the status table (what an export as it was writes), for every day."""
    requirement = history
    attest = factories.make_requirement(name="Social media policy", kind="attest_policy", page=policy)
    snapshot = factories.make_snapshot(policy, "2")
    projection.refresh()
    factories.make_completion(org["sam"], attest, source=EvidenceEntry.ATTESTATION, snapshot=snapshot)
    voided = factories.make_completion(org["fin"], requirement, completed_at=timezone.now() - datetime.timedelta(100))
    from portal.compliance.services import evidence_void

    evidence_void(entry=voided, reason="wrong person", voided_by=hr.user)
    factories.make_completion(org["fin"], requirement, completed_at=timezone.now() - datetime.timedelta(days=60))
    org["manager"].team = org["finance"]
    org["manager"].save()
    staff_changes_record([org["manager"]], effective=timezone.localdate() - datetime.timedelta(days=20))
    projection.refresh(staff_ids=[org["manager"].pk])

    roots = list(Team.objects.filter(depth=1))
    now = timezone.now()
    for days_ago in (0, 1, 19, 21, 59, 61, 99, 101, 400):
        day = timezone.localdate() - datetime.timedelta(days=days_ago)
        table = list(export_rows(roots, Moment.end_of(day), basis=AS_IT_WAS))
        assert table == list(export_rows_known(roots, Moment(day, now))), day
        assert table
    assert any(
        row.policy_version == "2" for row in export_rows(roots, Moment.end_of(timezone.localdate()), basis=AS_IT_WAS)
    )


def test_an_export_as_it_was_runs_the_same_queries_however_many_people(org, hr, history, django_assert_num_queries):
    requirement = history
    roots = list(Team.objects.filter(depth=1))
    moment = Moment.end_of(_day())

    def grow(people):
        for n in range(people):
            member = factories.make_staff(team=org["comms"], start_date=datetime.date(2021, 3, 1))
            projection.refresh(staff_ids=[member.pk])  # as the roster import does
            if n % 2:
                factories.make_completion(member, requirement, completed_at=timezone.now() - datetime.timedelta(99))

    grow(1)
    # The requirements, their teams and their rounds; the tree as it stood that day; the runs held that day; the
    # people's ledger entries.
    with django_assert_num_queries(6):
        small = list(export_rows(roots, moment, basis=AS_IT_WAS))
    grow(6)
    with django_assert_num_queries(6):
        large = list(export_rows(roots, moment, basis=AS_IT_WAS))
    assert len(large) == len(small) + 6
