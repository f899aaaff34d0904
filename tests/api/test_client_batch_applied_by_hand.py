"""A batch an API client sent that HR opens and applies by hand: the rows the page shows rejected as the own record of
the client's maker (who may send anything through it) are refused to whoever applies it, not recorded. Before, the
apply checked only the officer who pressed the button, so another member of HR applied the maker's own completion
the page had just shown rejected."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.compliance.imports.completions import CLIENTS_MAKERS_RECORD
from portal.compliance.imports.own_records import OwnRecordRefused
from portal.compliance.imports.services import import_batch_run
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import Assignment
from tests import factories

from .conftest import completion


@pytest.fixture
def failed_in_the_worker(api, org, settings):
    """A batch the worker refused: the number Hana (the client's maker) was sent under became hers meanwhile."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    hana = org["people"]["hr"]
    rows = [completion(org["people"]["fay"]), completion(hana, employee_number="E7777777")]
    sent = api("post", "/api/v1/completions", "completions", {"completions": rows}, key="race")
    assert sent.status_code == 202, sent.content
    Assignment.objects.create(staff=hana, number="E7777777")
    batch = ImportBatch.objects.get()
    with pytest.raises(OwnRecordRefused):
        import_batch_run(batch.pk)
    return batch


@pytest.mark.parametrize("form", ["as the page has it", "without the dry run"])
def test_another_officer_applying_it_by_hand_is_refused_the_rows_the_page_shows_rejected(
    failed_in_the_worker, org, ola, settings, form
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    batch, officer = failed_in_the_worker, factories.sign_in(Client(), ola.user)
    page = officer.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert f"Line 3: {CLIENTS_MAKERS_RECORD}" in page and "cannot be recorded yet" in page
    batch.refresh_from_db()  # the dry run the page kept
    posted = {"dry_run": batch.summary["dry_run"]["fingerprint"]} if form == "as the page has it" else {}
    response = officer.post(reverse("imports:apply", args=[batch.pk]), posted, follow=True)
    assert list(EvidenceEntry.objects.values_list("staff__first_name", flat=True)) == []  # a rejected row stops it
    batch.refresh_from_db()
    assert batch.status != ImportBatch.DONE
    assert f"Not applied. Line 3: {CLIENTS_MAKERS_RECORD}" in response.content.decode()


def test_the_worker_refuses_them_too_if_the_row_became_the_makers_after_the_officer_asked(api, org, ola, settings):
    """A dry run the client sent (nothing rejected) that an officer applies from its page: a roster gives Hana the
    number before the task worker applies it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    rows = [completion(org["people"]["fay"]), completion(org["people"]["hr"], employee_number="E7777777")]
    sent = api("post", "/api/v1/completions", "completions", {"completions": rows, "dry_run": True}, key="dry")
    assert sent.status_code == 200, sent.content
    batch, officer = ImportBatch.objects.get(), factories.sign_in(Client(), ola.user)
    assert "Record 1 completions" in officer.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    officer.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": batch.summary["dry_run"]["fingerprint"]})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.QUEUED
    Assignment.objects.create(staff=org["people"]["hr"], number="E7777777")
    with pytest.raises(OwnRecordRefused):
        import_batch_run(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.FAILED, f"Not applied. Line 3: {CLIENTS_MAKERS_RECORD}")
    assert not EvidenceEntry.objects.exists()
