"""Two members of HR whose own rows are in one completions file open its page in turn, then a third with none applies
it from the page she opened first: each own-row page is planned afresh (7494318), but the file's dry run stays the one
kept (no flip-flop between the two), so the third's form still names it and applies first time."""

from django.urls import reverse

from portal.compliance.models import EvidenceEntry, ImportBatch
from tests.compliance.test_completions_import_own_record import OWN, _file, _hr_officer, _upload, trust  # noqa: F401


def _shown(page: str) -> str:
    return page.split('name="dry_run" value="')[1].split('"')[0]


def test_two_viewers_with_own_rows_leave_the_kept_dry_run_as_it_was(trust):  # noqa: F811
    hana, colleague = trust["hana"], trust["colleague"]
    ivan, ivan_client = _hr_officer()
    _, ola_client = _hr_officer()
    batch = _upload(ola_client, _file(colleague.employee_number, hana.employee_number, ivan.employee_number))
    shown = _shown(ola_client.get(reverse("imports:batch", args=[batch.pk])).content.decode())
    for client in (trust["hana_client"], ivan_client, trust["hana_client"]):
        assert OWN in client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    batch.refresh_from_db()
    assert (batch.summary["dry_run"]["fingerprint"], batch.summary["dry_run"].get("earlier", [])) == (shown, [])
    ola_client.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": shown})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert EvidenceEntry.objects.count() == 3
