"""A batch that names the API client that sent it is applied only once that client is checked again (the API
registers the check, compliance.imports.senders): with no check registered it is refused, not applied unchecked."""

from portal.compliance.imports import senders
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import EvidenceEntry, ImportBatch
from tests.compliance import test_completions as base
from tests.compliance.test_completions import ADULTS, esr

people, adults = base.people, base.adults  # Grace 20001 and Sam 20002; Safeguarding Adults Level 1 mapped


def _apply(options: dict) -> ImportBatch:
    data = esr(f'"20001|Jones, Grace","{ADULTS}",2026-02-01,')
    batch, _ = import_batch_create(kind=ImportBatch.COMPLETIONS, data=data, filename="a", user=None, options=options)
    import_batch_apply(batch=batch, user=None, via="API client Test (#7)", background=False)
    return batch


def test_a_batch_naming_a_client_is_refused_when_nothing_checks_clients(people, adults, monkeypatch):
    monkeypatch.setattr(senders, "_client_check", [])
    batch = _apply({senders.SENT_BY_CLIENT: 7})
    assert batch.status == ImportBatch.FAILED
    assert batch.error == (
        "Not applied: nothing can check the API client that sent this import now. Nothing was changed."
    )
    assert not EvidenceEntry.objects.exists()


def test_a_batch_no_client_sent_needs_no_check(people, adults, monkeypatch):
    monkeypatch.setattr(senders, "_client_check", [])
    assert _apply({}).status == ImportBatch.DONE
    assert EvidenceEntry.objects.count() == 1
