"""PDF evidence packs: made in the background, read back with pdftotext, checked by verify_pack against the ledger,
and only for the person who asked, within what they may see."""

import datetime
import re
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import EvidenceEntry
from portal.compliance.services import evidence_void
from portal.people.models import StaffChange
from portal.reports.models import EvidencePack
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def _make_pack(client, team, as_at=""):
    response = client.post(reverse("exports:pack_new"), {"team": team.pk, "as_at": as_at})
    assert response.status_code == 302, response.content.decode()[:500]
    return EvidencePack.objects.latest("pk")


def _download(client, pack, tmp_path):
    paths = {}
    for kind in ("pdf", "csv"):
        response = client.get(reverse(f"exports:pack_{kind}", args=[pack.pk]))
        assert response.status_code == 200
        path = tmp_path / f"{pack.stem}.{kind}"
        path.write_bytes(b"".join(response.streaming_content))
        paths[kind] = path
    return paths["pdf"], paths["csv"]


def _pdf_text(path, layout=True) -> str:
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def test_hr_makes_a_pack_reads_it_back_and_verifies_it(org, hr, tmp_path, capsys):
    requirement = org["sam"].statuses.get().requirement
    factories.make_completion(org["sam"], requirement, source_ref="import batch 3 line 41")
    client = client_for(hr)
    assert client.get(reverse("exports:pack_new"), {"team": org["comms"].pk}).status_code == 200
    pack = _make_pack(client, org["comms"])
    assert pack.status == EvidencePack.DONE and pack.people_total == 2
    assert pack.pdf.path.startswith(str(tmp_path))  # the test's own private storage, not the shared one
    page = client.get(reverse("exports:pack_detail", args=[pack.pk])).content.decode()
    assert "Download the evidence pack (PDF)" in page
    pdf, twin = _download(client, pack, tmp_path)

    text = _pdf_text(pdf)
    for expected in (
        "Training and attestation evidence",
        "Communications",
        "Hana Human-Resources",  # who generated it
        "Summary by team",
        "Sam Digital",
        "Grace Manager",
        "import batch 3 line 41",
        "Manifest",
    ):
        assert expected in text, expected
    assert pack.csv_sha256 in "".join(text.split())
    assert "Fay Finance" not in text

    call_command("verify_pack", str(pdf), str(twin))
    out = capsys.readouterr().out
    assert "The pack matches the records." in out and "byte for byte the same" in out


def test_a_pack_still_verifies_after_later_evidence_and_corrections(org, hr, tmp_path, monkeypatch, capsys):
    requirement = org["sam"].statuses.get().requirement
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    real_now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real_now - datetime.timedelta(days=2))
    entry = factories.make_completion(org["sam"], requirement)
    monkeypatch.setattr(timezone, "now", lambda: real_now)
    client = client_for(hr)
    as_at = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    pdf, twin = _download(client, _make_pack(client, org["comms"], as_at), tmp_path)

    factories.make_completion(org["manager"], requirement)
    evidence_void(entry=entry, reason="wrong person", voided_by=hr.user)
    call_command("verify_pack", str(pdf), str(twin))  # raises CommandError if anything differs
    out = capsys.readouterr().out
    assert "byte for byte the same" in out and "The pack matches the records." in out


def test_verify_pack_names_a_changed_csv(org, hr, tmp_path, capsys):
    client = client_for(hr)
    pdf, twin = _download(client, _make_pack(client, org["comms"]), tmp_path)
    twin.write_text(twin.read_text(encoding="utf-8").replace("Overdue", "Compliant"), encoding="utf-8")
    with pytest.raises(CommandError, match="does not match"):
        call_command("verify_pack", str(pdf), str(twin))
    out = capsys.readouterr().out
    assert "its SHA-256 differs from the manifest" in out
    assert "Rebuilt from the ledger, the CSV differs: line 2" in out


def test_verify_pack_refuses_a_pdf_that_is_not_a_pack(org, tmp_path):
    from pypdf import PdfWriter

    blank = tmp_path / "blank.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with blank.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(CommandError, match="no manifest"):
        call_command("verify_pack", str(blank), str(blank))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf at all")
    with pytest.raises(CommandError, match=f"^{re.escape(str(broken))}: This file cannot be read as a PDF"):
        call_command("verify_pack", str(broken), str(broken))
    # The PDF and the CSV given the wrong way round: said so, rather than that the CSV is not a PDF.
    with pytest.raises(CommandError, match=f"^{re.escape(str(broken))} is not a PDF but {re.escape(str(blank))} is"):
        call_command("verify_pack", str(broken), str(blank))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("verify_pack", str(tmp_path / "missing.pdf"), str(blank))


def test_packs_are_only_for_what_you_may_see_and_only_for_who_asked(org, hr, tmp_path, client):
    manager = client_for(org["manager"])
    pack = _make_pack(manager, org["digital"])
    assert manager.post(reverse("exports:pack_new"), {"team": org["finance"].pk}).status_code == 404
    for url in ("exports:pack_detail", "exports:pack_pdf", "exports:pack_csv", "exports:pack_status"):
        assert manager.get(reverse(url, args=[pack.pk])).status_code == 200
        assert client_for(org["other"]).get(reverse(url, args=[pack.pk])).status_code == 404
        assert client_for(hr).get(reverse(url, args=[pack.pk])).status_code == 404  # HR asks for their own
        assert client_for(org["sam"]).get(reverse(url, args=[pack.pk])).status_code == 404
    assert client.get(reverse("exports:pack_detail", args=[pack.pk]))["Location"].startswith("/accounts/login/")
    assert manager.get(reverse("exports:pack_status", args=[pack.pk])).json()["percent"] == 100


def test_a_pack_with_a_bad_date_is_refused_with_a_message(org, hr):
    response = client_for(hr).post(reverse("exports:pack_new"), {"team": org["comms"].pk, "as_at": "2999-01-01"})
    assert response.status_code == 400
    assert "The date must be today or in the past" in response.content.decode()
    assert not EvidencePack.objects.exists()


def test_the_pack_names_the_policy_version_and_its_text_hash(org, hr, tmp_path, policy):

    attest = factories.make_requirement(name="Social media policy", kind="attest_policy", page=policy)
    snapshot = factories.make_snapshot(policy, "3.1", "Be kind online.")
    factories.make_completion(org["sam"], attest, source=EvidenceEntry.ATTESTATION, snapshot=snapshot)
    client = client_for(hr)
    pdf, _ = _download(client, _make_pack(client, org["digital"]), tmp_path)
    text = _pdf_text(pdf, layout=False)  # in reading order: a wrapped cell stays together
    assert "Policy version 3.1" in " ".join(text.split())
    assert snapshot.content_hash in "".join(text.split())  # the hash may wrap in its narrow column


def test_a_pack_lists_the_corrections_recorded_by_its_moment(org, hr, tmp_path):
    requirement = org["sam"].statuses.get().requirement
    entry = factories.make_completion(org["sam"], requirement, source_ref="import batch 3 line 41")
    kept = factories.make_completion(org["manager"], requirement, source_ref="import batch 3 line 42")
    client = client_for(hr)
    response = client.post(reverse("corrections:void", args=[entry.pk]), {"reason": "Imported against Sam in error"})
    assert response.status_code == 302
    pdf, _ = _download(client, _make_pack(client, org["comms"]), tmp_path)

    text = " ".join(_pdf_text(pdf, layout=False).split())
    assert "Corrections. Evidence recorded for Sam Digital and later voided; it does not count above." in text
    assert f"Ledger entry #{entry.seq}: Imported completion: import batch 3 line 41" in text
    assert f"by {hr.user.display_name}: Imported against Sam in error" in text
    assert "Corrections. Evidence recorded for Grace Manager" not in text  # nothing of hers was voided
    assert "import batch 3 line 42" in text and kept.seq
    sam = text[text.index("Sam Digital employee") : text.index("Corrections. Evidence recorded for Sam")]
    assert "Overdue" in sam and "Nothing recorded" in sam  # the voided completion no longer counts


def _word_boxes(path) -> list[tuple[str, float, float]]:
    """Each word on the first page with its top and bottom, in points from the top (pdftotext -bbox)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pattern = r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'
    return [(word, float(top), float(bottom)) for top, bottom, word in re.findall(pattern, html)]


def test_the_title_stands_clear_of_the_blue_band(org, hr, tmp_path):
    pdf, _ = _download(client_for(hr), _make_pack(client_for(hr), org["comms"]), tmp_path)
    words = _word_boxes(pdf)
    band_text_bottom = next(bottom for word, top, bottom in words if word == "NHS")
    title_top = next(top for word, top, bottom in words if word == "Training")
    # The band's text, its padding, then white space before the title: 15 pt when the title touched the band.
    assert title_top - band_text_bottom >= 27, (band_text_bottom, title_top)
    assert "Percentages are rounded down to a whole number" in " ".join(_pdf_text(pdf, layout=False).split())
