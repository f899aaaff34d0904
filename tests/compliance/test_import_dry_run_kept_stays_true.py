"""The dry run kept on a batch (9707681) is what an apply would do for whoever opens the page, or is made again: four
ways it was not. The task worker kept the dry run it planned after refusing the rows of the HR officer who asked to
apply it, so every other officer's page showed those rows rejected, with no button, for the rest of the day; a dry run
the worker kept as it began an apply that then stopped part way was shown afterwards as it was before the first chunk
(the rows recorded listed again as to record); a form naming a dry run a batch never kept (made by hand) failed the
batch, saying its records had changed since; and a staff record in the file (completions or roster) joined to an HR
officer's account after the upload was not refused to her on the page or when she asked to apply (only the task worker
did)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from portal.compliance.imports import completions as completions_import
from portal.compliance.imports.own_records import OwnRecordRefused
from portal.compliance.imports.services import NOT_THIS_DRY_RUN, import_batch_apply, import_batch_create
from portal.compliance.imports.tasks import import_apply_task
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import Assignment, StaffMember
from portal.people.roles import hr_group
from tests import factories
from tests.compliance import test_completions_import_own_record as own
from tests.compliance.test_completions_dry_run_kept import _dry_run_shown
from tests.compliance.test_imports import _file, _trust, second_chunk_fails
from tests.people.roster_doors import private_files  # noqa: F401

trust = own.trust
worker_waits = own.worker_waits


def _page(client, batch) -> str:
    return client.get(reverse("imports:batch", args=[batch.pk])).content.decode()


def test_the_rows_refused_to_the_applier_are_not_kept_for_every_other_officer(trust, worker_waits):
    hana, colleague = trust["hana"], trust["colleague"]
    batch = own._upload(trust["hana_client"], own._file(colleague.employee_number, "E7777777"))
    shown = _dry_run_shown(_page(trust["hana_client"], batch))
    trust["hana_client"].post(reverse("imports:apply", args=[batch.pk]), {"dry_run": shown})
    Assignment.objects.create(staff=hana, number="E7777777")  # the roster gives her the number meanwhile
    from django_tasks import default_task_backend

    queued = [r for r in default_task_backend.results if r.task.name == import_apply_task.name][-1]
    with pytest.raises(OwnRecordRefused):
        import_apply_task.call(*queued.args)

    page = _page(trust["other_client"], batch)  # another officer: both rows are theirs to record

    assert "2 to record" in page and "0 rejected rows" in page and "Record 2 completions" in page
    trust["other_client"].post(reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(page)})
    queued = [r for r in default_task_backend.results if r.task.name == import_apply_task.name][-1]
    import_apply_task.call(*queued.args)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert set(EvidenceEntry.objects.values_list("staff_id", flat=True)) == {hana.pk, colleague.pk}


def test_a_dry_run_kept_as_an_apply_began_is_made_again_once_it_stops_part_way(hr_client, monkeypatch):
    monkeypatch.setattr(completions_import, "CHUNK_ROWS", 2)
    people, _ = _trust()
    batch, _ = import_batch_create(kind="completions", data=_file(people), filename="c.csv", user=None)
    earlier, _ = import_batch_create(kind="completions", data=_file(people[:1]), filename="p0.csv", user=None)
    import_batch_apply(batch=earlier, user=None)  # two of its six are recorded meanwhile: the kept dry run is old
    real_refresh = second_chunk_fails(monkeypatch)
    import_batch_apply(batch=batch, user=None, via="the command line")  # as the command and the API ask: no form
    assert (batch.status, batch.rows_done) == (ImportBatch.FAILED, 2)
    assert EvidenceEntry.objects.count() == 4

    page = _page(hr_client, batch)

    assert "2 to record" in page and "4 already recorded" in page and "Record 2 completions" in page
    monkeypatch.setattr(completions_import.projection, "refresh", real_refresh)
    hr_client.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(page)})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert EvidenceEntry.objects.count() == 6


def test_a_form_naming_a_dry_run_a_batch_never_kept_is_refused_and_the_batch_stays_ready(hr_client):
    people, _ = _trust()
    batch, _ = import_batch_create(kind="completions", data=_file(people), filename="c.csv", user=None)
    batch.summary.pop("dry_run")  # uploaded before dry runs were kept, its page not opened since
    ImportBatch.objects.filter(pk=batch.pk).update(summary=batch.summary)

    page = hr_client.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": "0123456789abcdef0123"}, follow=True)

    assert escape(NOT_THIS_DRY_RUN) in page.content.decode()
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.PLANNED, "")
    assert not EvidenceEntry.objects.exists()
    hr_client.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(_page(hr_client, batch))})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error


def test_a_record_joined_to_the_viewers_account_since_the_upload_is_refused_to_them_on_the_page(trust):
    """Ida's staff record is in the file, with no account when it was uploaded; it is joined to her account (single
    sign-on, the roster) before she opens the page: her row is refused to her there, and when she asks to apply."""
    ida = factories.make_user(first_name="Ida", last_name="Importer")
    ida.groups.add(hr_group())
    factories.with_mfa(ida)
    ida_client = factories.sign_in(Client(), ida)
    her_record = factories.make_staff(first_name="Ida", last_name="Importer")
    her_record.user.delete()
    batch = own._upload(
        trust["other_client"], own._file(trust["colleague"].employee_number, her_record.employee_number)
    )
    her_record.refresh_from_db()
    her_record.user = ida
    her_record.save(update_fields=["user"])

    page = _page(ida_client, batch)

    assert f"Line 3: {own.OWN}" in page and "Record 2 completions" not in page
    refused = ida_client.post(reverse("imports:apply", args=[batch.pk]), follow=True).content.decode()
    assert f"Not applied. Line 3: {own.OWN}" in refused
    batch.refresh_from_db()
    assert batch.status == ImportBatch.PLANNED and not EvidenceEntry.objects.exists()
    assert "Record 2 completions" in _page(trust["other_client"], batch)


def test_a_roster_row_for_a_record_joined_to_the_viewers_account_since_the_upload_is_refused_to_them(db):
    from tests.compliance import test_roster_import_own_record as roster

    finance = factories.make_team("Finance")
    _, other_client = roster._hr_officer(finance, "Olu", "Other")
    ida = factories.with_mfa(factories.make_user(first_name="Ida", last_name="Importer"))
    ida.groups.add(hr_group())
    ida_client = factories.sign_in(Client(), ida)
    record = factories.make_staff(team=finance, first_name="Ida", last_name="Importer")
    batch = roster._upload(other_client, roster._file(roster._row(record, start=roster._today())))
    StaffMember.objects.filter(pk=record.pk).update(user=ida)

    page = _page(ida_client, batch)

    own_row = roster.OWN.format(f"Start date: 06/01/2020 to {roster._today()}")
    assert f"Line 2: {escape(own_row)}" in page and "Apply this roster" not in page
    refused = ida_client.post(reverse("imports:apply", args=[batch.pk]), follow=True).content.decode()
    assert f"Not applied. Line 2: {escape(own_row)}" in refused
    batch.refresh_from_db()
    assert batch.status == ImportBatch.PLANNED
    assert "Apply this roster" in _page(other_client, batch)
