"""Evidence packs on both clocks. A pack "as it was on D" reads D in effective time from the facts recorded before the
moment it was asked for, so verify_pack rebuilds it exactly later; made again after a late fact about the time before
D, it differs exactly there, and verify_pack names the entries recorded since that explain it. The pack's cover and
manifest name the clock and the cut-off in words; a clock that is not one is named and makes nothing."""

import csv
import datetime
import subprocess

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.audit.models import AuditEvent
from portal.compliance import projection
from portal.compliance.asat import Moment
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, Requirement
from portal.people.history import staff_changes_record
from portal.people.models import StaffChange
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.exports import export_rows, export_rows_known
from portal.reports.models import EvidencePack
from portal.reports.pack_verify import manifest_read, pack_verify
from tests.compliance.histories import EVENTS, organisation, play
from tests.dbrole import as_owner
from tests.reports.conftest import client_for


def _day():
    return timezone.localdate() - datetime.timedelta(days=40)


COURSE = "NHS|CSTF|Safeguarding Adults - Level 1 - 1 Year|"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")


@pytest.fixture
def history(org, hr):
    """The roster as loaded long ago, and the course mapped for imports."""
    projection.refresh()  # the status table for everyone, HR's officer (made after the organisation) included
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    requirement = Requirement.objects.get(name="Safeguarding Adults Level 1")
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=requirement)
    return requirement


def _import_today(*rows):
    header = "Employee Number,Competence Name,Achievement Date,Expiry Date"
    data = ("\r\n".join([header, *rows]) + "\r\n").encode()
    batch, plan = import_batch_create(kind="completions", data=data, filename="late.csv", user=None)
    assert plan.can_apply, plan.rejected
    import_batch_apply(batch=batch, user=None, background=False)


def _make_pack(client, team, as_at=None, basis=AS_IT_WAS) -> EvidencePack:
    as_at = as_at or _day()
    response = client.post(reverse("exports:pack_new"), {"team": team.pk, "as_at": as_at.isoformat(), "basis": basis})
    assert response.status_code == 302, response.content.decode()[:800]
    pack = EvidencePack.objects.latest("pk")
    assert pack.status == EvidencePack.DONE, pack.error
    return pack


def _download(client, pack, tmp_path, name=""):
    paths = {}
    for kind in ("pdf", "csv"):
        response = client.get(reverse(f"exports:pack_{kind}", args=[pack.pk]))
        assert response.status_code == 200
        path = tmp_path / f"{name or pack.stem}.{kind}"
        path.write_bytes(b"".join(response.streaming_content))
        paths[kind] = path
    return paths["pdf"], paths["csv"]


def _text(path, *pages) -> str:
    """The PDF's text in reading order, white space made single spaces (a wrapped cell reads as one line)."""
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    out = subprocess.run(["pdftotext", *first_last, str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def _verify(pdf, twin, capsys) -> str:
    call_command("verify_pack", str(pdf), str(twin))  # raises CommandError if the pack does not match the records
    return " ".join(capsys.readouterr().out.split())


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y %H:%M:%S}"


def _long(day) -> str:
    return f"{day.day} {day:%B %Y}"


def test_a_pack_as_it_was_still_verifies_after_a_late_entry_and_names_it(org, hr, history, tmp_path, capsys):
    client = client_for(hr)
    asked = timezone.now()
    old = _make_pack(client, org["comms"])
    assert old.basis == AS_IT_WAS and asked < old.cutoff < timezone.now()  # the moment it was asked for
    old_pdf, old_csv = _download(client, old, tmp_path, "old")
    out = _verify(old_pdf, old_csv, capsys)
    assert "byte for byte the same" in out and "The pack matches the records." in out
    assert (
        f"Made now, the pack would be the same: nothing recorded since its cut-off changes how {_long(_day())} was."
        in out
    )

    done = _day() - datetime.timedelta(days=10)
    _import_today(f"{org['sam'].employee_number},{COURSE},{done:%d/%m/%Y},")
    late = EvidenceEntry.objects.get(staff=org["sam"])
    assert late.recorded_at > old.cutoff

    out = _verify(old_pdf, old_csv, capsys)  # still passes: rebuilt at its own cut-off
    assert "Rebuilt now from the records made before its cut-off, the CSV comes out byte for byte the same." in out
    assert "The pack matches the records." in out
    sam = f"Sam Digital ({org['sam'].employee_number})"
    assert f"Made now, the pack would differ for 1 person: {sam}." in out
    assert (
        f"Since: Ledger entry #{late.seq}: Safeguarding Adults Level 1, completed {_long(done)} (Imported completion, "
        f"{late.source_ref}), for {sam}: recorded {_when(late.recorded_at)} (UK time), took effect {_long(done)}."
    ) in out

    new = _make_pack(client, org["comms"])
    new_pdf, new_csv = _download(client, new, tmp_path, "new")
    old_lines = old_csv.read_text(encoding="utf-8").splitlines()
    new_lines = new_csv.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert len(changed) == 1  # exactly Sam's line, nothing else
    before, after = (next(csv.reader([line])) for line in changed[0])
    assert before[1] == after[1] == "Sam Digital"
    assert before[6:8] == ["Overdue", ""] and after[6:8] == ["Compliant", done.isoformat()]
    assert after[14] == str(late.seq)
    assert "Made now, the pack would be the same" in _verify(new_pdf, new_csv, capsys)


def test_verify_pack_names_a_roster_change_and_a_correction_recorded_since(org, hr, history, tmp_path, capsys):
    client = client_for(hr)
    _import_today(f"{org['sam'].employee_number},{COURSE},{_day() - datetime.timedelta(days=3):%d/%m/%Y},")
    entry = EvidenceEntry.objects.get(staff=org["sam"])
    pdf, twin = _download(client, _make_pack(client, org["comms"]), tmp_path)

    grace = org["manager"]
    grace.team = org["finance"]
    grace.save()
    moved = _day() - datetime.timedelta(days=5)
    staff_changes_record([grace], effective=moved)  # a move back-dated before the pack's day, recorded now
    projection.refresh(staff_ids=[grace.pk])
    from portal.compliance.services import evidence_void

    evidence_void(entry=entry, reason="Imported against Sam in error", voided_by=hr.user)
    void = EvidenceEntry.objects.get(voids=entry)

    out = _verify(pdf, twin, capsys)
    assert "The pack matches the records." in out
    assert "Made now, the pack would differ for 2 people: Grace Manager" in out
    assert (
        "Since: Roster change: in Finance, staff group Administrative and Clerical, job title Officer, employment "
        f"type Substantive, started 6 January 2020, for Grace Manager ({grace.employee_number}): recorded"
    ) in out
    assert f"took effect {_long(moved)}." in out
    assert (
        f"Since: Ledger entry #{void.seq}: a correction voiding entry #{entry.seq} on Safeguarding Adults Level 1 "
        f"(Imported against Sam in error), for Sam Digital ({org['sam'].employee_number}): recorded "
        f"{_when(void.recorded_at)} (UK time), took effect {_long(_day() - datetime.timedelta(days=3))}."
    ) in out


def test_the_pack_names_its_clock_and_cut_off_on_its_cover_and_manifest(org, hr, history, tmp_path):
    client = client_for(hr)
    pack = _make_pack(client, org["comms"])
    pdf, _ = _download(client, pack, tmp_path)
    cover = _text(pdf, 1)
    assert f"As at The end of {pack.as_at:%A} {_long(_day())} (UK time)." in cover
    assert "Basis As it was: the day as it was in the world, from everything recorded before the cut-off" in cover
    assert f"Evidence recorded before {_when(pack.cutoff)} (UK time), when the pack was asked for" in cover
    text = _text(pdf)
    manifest = text[text.rindex("Manifest") :]
    assert "Basis: As it was (the day as it was in the world" in manifest
    assert f"Evidence recorded before: {pack.cutoff.isoformat()} ({_when(pack.cutoff)} UK time)" in manifest
    assert manifest_read(pdf)["basis"] == AS_IT_WAS and manifest_read(pdf)["cutoff"] == pack.cutoff
    page = client.get(reverse("exports:pack_detail", args=[pack.pk])).content.decode()
    assert f"As at the end of {_long(_day())}, as it was: everything recorded before" in page

    recorded = _make_pack(client, org["comms"], basis=AS_RECORDED)
    assert recorded.cutoff == timezone.make_aware(
        datetime.datetime.combine(_day() + datetime.timedelta(days=1), datetime.time())
    )
    pdf, _ = _download(client, recorded, tmp_path)
    cover = _text(pdf, 1)
    assert "Basis As recorded then: what the portal showed at the end of the day" in cover
    assert f"Evidence recorded before {_when(recorded.cutoff)} (UK time)." in cover
    assert "Basis: As recorded then" in _text(pdf)
    assert manifest_read(pdf)["basis"] == AS_RECORDED


def test_a_pack_made_now_as_it_was_is_the_export_as_it_was(org, hr, history, tmp_path):
    """With nothing recorded after its cut-off, the pack worked out afresh from the records and the export read from
    the status table are the same bytes."""
    client = client_for(hr)
    _import_today(f"{org['sam'].employee_number},{COURSE},{_day() - datetime.timedelta(days=3):%d/%m/%Y},")
    pack = _make_pack(client, org["comms"])
    _, twin = _download(client, pack, tmp_path)
    export = client.get(reverse("exports:csv"), {"team": org["comms"].pk, "as_at": _day().isoformat()})
    assert twin.read_bytes() == b"".join(export.streaming_content)
    assert "Compliant" in twin.read_text(encoding="utf-8")


def test_a_pack_with_a_clock_that_is_not_one_is_refused_and_makes_nothing(org, hr):
    for value in ("as_it_is", "AS_RECORDED", "<b>then</b>"):
        response = client_for(hr).post(
            reverse("exports:pack_new"), {"team": org["comms"].pk, "as_at": _day().isoformat(), "basis": value}
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "There is a problem" in page and "Choose “As it was” or “As recorded then”" in page
        assert "<b>then</b>" not in page
    assert not EvidencePack.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.EXPORT).exists()


def test_who_may_ask_for_a_pack_on_either_clock(org, hr, client):
    manager = client_for(org["manager"])
    page = manager.get(reverse("exports:pack_new"), {"team": org["comms"].pk, "basis": AS_RECORDED})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="as_recorded" aria-describedby="basis-as_recorded-hint" checked' in html
    assert manager.get(reverse("exports:pack_new"), {"team": org["comms"].pk}).content.decode().count(" checked") == 1

    pack = _make_pack(manager, org["digital"], basis=AS_RECORDED)
    assert (pack.basis, pack.team) == (AS_RECORDED, org["digital"])
    audit = AuditEvent.objects.get(action=AuditEvent.EXPORT)
    assert audit.detail["basis"] == AS_RECORDED and audit.detail["format"] == "pdf pack"
    assert _make_pack(client_for(hr), org["finance"]).basis == AS_IT_WAS

    outsider = client_for(org["other"])
    for basis in (AS_IT_WAS, AS_RECORDED):
        data = {"team": org["comms"].pk, "as_at": _day().isoformat(), "basis": basis}
        assert outsider.post(reverse("exports:pack_new"), data).status_code == 404
        assert outsider.get(reverse("exports:pack_new"), data).status_code == 404
        assert client_for(org["sam"]).post(reverse("exports:pack_new"), data).status_code == 403
        assert client.post(reverse("exports:pack_new"), data)["Location"].startswith("/accounts/login/")
    assert EvidencePack.objects.count() == 2
    assert outsider.get(reverse("exports:pack_detail", args=[pack.pk])).status_code == 404


def test_a_pack_from_before_the_choice_reads_as_recorded_then(org, hr, tmp_path):
    """Packs made before there was a choice have no basis in their manifest: read as recorded then, as they were."""
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "old.pdf"
    page = canvas.Canvas(str(pdf))
    lines = [
        "Manifest",
        f"Team code: {org['comms'].code}",
        "As at: 2026-01-31",
        "Evidence recorded before: 2026-02-01T00:00:00+00:00",
        "CSV SHA-256: " + "a" * 64,
        "Ledger head entry: #0",
        "Ledger head hash: " + "0" * 64,
    ]
    for n, line in enumerate(lines):
        page.drawString(40, 800 - 20 * n, line)
    page.save()
    manifest = manifest_read(pdf)
    assert manifest["basis"] == AS_RECORDED and manifest["as_at"] == datetime.date(2026, 1, 31)
    twin = tmp_path / "old.csv"
    twin.write_bytes(b"")
    check = pack_verify(pdf, twin)
    assert check.since == [] and any("as recorded then on 31 January 2026" in note for note in check.notes)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=EVENTS, days=st.lists(st.integers(0, 900), min_size=1, max_size=4))
def test_read_afresh_at_now_the_runs_agree_with_the_table(db, person, sequence, days):
    """For random histories (backdated completions, corrections, moves, leavers, pauses, HR's changes to
    requirements), the rows worked out afresh from everything recorded are the status table's, team by team."""
    today = timezone.localdate()
    savepoint = transaction.savepoint()
    try:
        teams, staff, requirements = organisation()
        play(sequence, teams=teams, staff=staff, requirements=requirements, corrector=person)
        now = timezone.now()
        top = teams[0].get_parent()
        for days_ago in days:
            day = today - datetime.timedelta(days=days_ago)
            for scope in ([top], [teams[0]], [teams[2]]):
                table = list(export_rows(scope, Moment.end_of(day), basis=AS_IT_WAS))
                assert table == list(export_rows_known(scope, Moment(day, now))), (day, scope)
    finally:
        transaction.savepoint_rollback(savepoint)
