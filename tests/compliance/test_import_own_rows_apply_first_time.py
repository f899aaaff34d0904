"""The batch page of a file with rows of the person looking at it is made for them afresh (their rows refused), and
its Apply form names that dry run: it carried the dry run kept on the batch instead, so when the records had changed
since it was kept (another file recorded their completion), the page showed what the file does now and the first
apply from it failed ("the records this file changes have changed since the dry run you applied it from")."""

from django.urls import reverse

from portal.compliance.models import EvidenceEntry, ImportBatch
from tests.compliance.test_completions_import_own_record import OWN, _file, _upload, trust  # noqa: F401


def test_an_officer_whose_row_another_file_recorded_applies_the_rest_first_time(trust):  # noqa: F811
    hana, colleague = trust["hana"], trust["colleague"]
    batch = _upload(trust["hana_client"], _file(colleague.employee_number, hana.employee_number))
    assert f"Line 3: {OWN}" in trust["hana_client"].get(reverse("imports:batch", args=[batch.pk])).content.decode()
    # Another member of HR records Hana's completion from another file
    other = _upload(trust["other_client"], _file(hana.employee_number))
    trust["other_client"].post(reverse("imports:apply", args=[other.pk]))
    assert EvidenceEntry.objects.get().staff == hana

    page = trust["hana_client"].get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert OWN not in page and "Record 1 completions" in page
    shown = page.split('name="dry_run" value="')[1].split('"')[0]
    response = trust["hana_client"].post(reverse("imports:apply", args=[batch.pk]), {"dry_run": shown}, follow=True)
    assert "Not applied" not in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert set(EvidenceEntry.objects.values_list("staff_id", flat=True)) == {hana.pk, colleague.pk}
