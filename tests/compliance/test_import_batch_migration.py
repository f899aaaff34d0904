"""Migration compliance 0008 copies every roster and completions batch into ImportBatch: a completions batch keeps
its id (ledger entries name it: "import batch 7 line 3"), its file is still found, and new batches number after."""

from importlib import import_module
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.utils import timezone

from portal.compliance.models import CompletionBatch, ImportBatch
from portal.people.models import RosterBatch
from tests import dbrole

copy_batches = import_module("portal.compliance.migrations.0008_import_batch").copy_batches


def test_old_batches_are_copied_with_their_ids_files_and_state(db):
    applied = timezone.now()
    CompletionBatch.objects.create(pk=7, filename="c.csv", sha256="a" * 64, applied_at=applied, summary={"rows": 3})
    RosterBatch.objects.create(pk=2, filename="r.csv", sha256="b" * 64, row_count=5)
    with dbrole.as_owner():  # migrations run as the database's owner (the sequence is reset)
        copy_batches(apps, SimpleNamespace(connection=connection))
    completions = ImportBatch.objects.get(kind="completions")
    assert (completions.pk, completions.status, completions.applied_at, completions.summary) == (
        7,
        ImportBatch.DONE,
        applied,
        {"rows": 3},
    )
    assert completions.stored_name == f"completions/7-{'a' * 16}.csv"
    roster = ImportBatch.objects.get(kind="roster")
    assert roster.pk > 7 and roster.status == ImportBatch.PLANNED and roster.row_count == 5
    assert roster.stored_name == f"roster/2-{'b' * 16}.csv"
    assert ImportBatch.objects.create(kind="roster", filename="n.csv", sha256="c" * 64).pk > roster.pk
