"""Every evidence pack publishes a signed receipt of the ledger's head: to the receipt store, to the receipts mailbox,
and printed in the pack itself, from where it can be copied back out and checked with verify_evidence --receipts."""

import json
import re
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.compliance.models import EvidenceEntry
from portal.reports.models import EvidencePack
from tests import factories
from tests.reports.conftest import client_for

MAILBOX = "ledger-receipts@example.nhs.uk"


@pytest.fixture(autouse=True)
def _stores(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")
    settings.PORTAL_RECEIPT_EMAIL = MAILBOX


def _pdf_text(pack) -> str:
    return subprocess.run(["pdftotext", pack.pdf.path, "-"], check=True, capture_output=True, text=True).stdout


def test_a_pack_carries_the_receipt_it_published(org, hr, tmp_path, mailoutbox):
    requirement = org["sam"].statuses.get().requirement
    factories.make_completion(org["sam"], requirement)
    factories.make_completion(org["fin"], requirement)
    client = client_for(hr)
    response = client.post(reverse("exports:pack_new"), {"team": org["comms"].pk, "as_at": ""})
    assert response.status_code == 302
    pack = EvidencePack.objects.latest("pk")
    assert pack.status == EvidencePack.DONE

    (stored,) = (tmp_path / "receipts").glob("*.json")
    receipt = json.loads(stored.read_text())
    last = EvidenceEntry.objects.order_by("-seq").first()
    assert (receipt["seq"], receipt["head_hash"]) == (last.seq, last.content_hash)  # the head, not the pack's cutoff
    (message,) = mailoutbox
    assert message.to == [MAILBOX] and f"evidence pack {pack.stem}" in message.subject

    text = _pdf_text(pack)
    assert re.search(rf"Receipt entry:\s*#{last.seq}\b", text)
    flat = "".join(text.split())
    assert receipt["head_hash"] in flat and receipt["signature"] in flat
    # The receipt as printed in the pack is the receipt itself: copied out, it checks the ledger.
    printed = json.loads(re.search(r"\{\s*\"kind\".*?\}", text, re.DOTALL).group(0))
    assert printed == receipt
    copied = tmp_path / "from-the-pack"
    copied.mkdir()
    (copied / stored.name).write_text(json.dumps(printed))
    out = StringIO()
    call_command("verify_evidence", "--receipts", str(copied), stdout=out)
    assert f"entry #{last.seq} matches" in out.getvalue()
