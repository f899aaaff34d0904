"""What held of a course mapped to a retired requirement, under review: the counts on the batch still add up to the
file's rows; put back in use between the dry run and the apply, every row is recorded; a file whose every row is
skipped is applied, recording nothing, as one whose every course is unmapped is."""

from django.utils import timezone

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.compliance.services import requirement_reinstate

from .test_import_completions_retired_requirement import ADULTS, FIRE, fire, retire  # noqa: F401
from .test_import_completions_retired_since import BEFORE, _file
from .test_import_utf16 import private_files  # noqa: F401 (autouse: the files in a folder of the test's own)


def test_the_counts_add_up_to_the_rows(fire):  # noqa: F811
    retire(fire)
    today = timezone.localdate()
    data = _file(("20001", FIRE, today), ("20002", FIRE, today), ("20001", ADULTS, BEFORE), ("20009", ADULTS, BEFORE))
    _, plan = import_batch_create(kind="completions", data=data, filename="olm.csv", user=None)
    counted = {name: count for name, count in plan.summary.items() if name != "rows" and isinstance(count, int)}
    assert sum(counted.values()) + len(plan.rejected) == plan.rows == 4, plan.summary


def test_put_back_in_use_before_the_apply_every_row_is_recorded(fire):  # noqa: F811
    retire(fire)
    today = timezone.localdate()
    data = _file(("20001", FIRE, today), ("20002", FIRE, today), ("20001", ADULTS, BEFORE))
    batch, plan = import_batch_create(kind="completions", data=data, filename="olm.csv", user=None)
    assert plan.summary["skipped_retired"] == 2
    requirement_reinstate(requirement=fire, user=None)
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert (batch.status, batch.summary["recorded"], batch.summary["skipped_retired"]) == (ImportBatch.DONE, 3, 0)


def test_a_file_whose_every_row_is_skipped_applies_and_records_nothing(fire):  # noqa: F811
    retire(fire)
    today = timezone.localdate()
    batch, _ = import_batch_create(
        kind="completions", data=_file(("20001", FIRE, today)), filename="olm.csv", user=None
    )
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert (batch.status, batch.summary["recorded"], batch.summary["skipped_retired"]) == (ImportBatch.DONE, 0, 1)
    assert not EvidenceEntry.objects.exists()
