"""A pack as things stand has the moment it was asked for as its cut-off. An entry sealed just before that moment,
whose transaction commits just after the pack's worker starts reading, is in the pack: the pack waits for it
(`ledger.settle`), as verify_pack, which reads it later, will. Without the wait the pack would miss it and fail its
own check."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from portal.compliance.models import EvidenceEntry
from portal.compliance.services import evidence_record
from portal.reports.models import EvidencePack
from portal.reports.packs import pack_build
from tests.reports.test_packs import _pdf_text


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.mark.django_db(transaction=True)
def test_an_entry_sealed_before_the_cut_off_and_committed_after_is_in_the_pack(org, hr, capsys):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is shared in memory between threads: a reader gets 'locked', not a wait")
    requirement = org["sam"].statuses.get().requirement
    sealed, release, failures = threading.Event(), threading.Event(), []

    def record_and_hold():
        try:
            with transaction.atomic():
                evidence_record(
                    staff=org["sam"],
                    requirement=requirement,
                    source=EvidenceEntry.MODULE,
                    source_ref="quiz attempt 77",
                    idempotency_key="late-commit",
                    completed_at=timezone.now(),
                )
                sealed.set()  # recorded: its time is taken, its transaction still open
                release.wait(20)
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    writer = threading.Thread(target=record_and_hold)
    writer.start()
    assert sealed.wait(20)
    pack = EvidencePack.objects.create(
        team=org["comms"], as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )
    threading.Timer(1.0, release.set).start()  # the writer commits a second after the pack starts reading
    pack_build(pack)
    writer.join(20)
    assert not failures and not writer.is_alive()

    entry = EvidenceEntry.objects.get(idempotency_key="late-commit")
    assert entry.recorded_at < pack.cutoff and pack.ledger_seq == entry.seq
    pdf, twin = pack.pdf.path, pack.csv.path
    assert "quiz attempt 77" in " ".join(_pdf_text(pdf, layout=False).split())  # its evidence
    call_command("verify_pack", pdf, twin)
    assert "The pack matches the records." in capsys.readouterr().out
