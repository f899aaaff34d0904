"""Two organisation files applied at once (PostgreSQL: real concurrent transactions, one thread each). The apply
planned the file against the team tree before it took the tree's lock, so the second planned from the tree as it was
before the first committed: it found the dry run its page showed unchanged, waited for the lock, then renamed the team
the first had just renamed, over that change, which its dry run had never shown. Now it plans under the lock, from the
tree the first left, and is refused as any apply is whose dry run is out of date."""

import pytest
from django.db import connection  # noqa: F401 (the skipif condition)

from portal.compliance.imports.services import CHANGED_SINCE, import_batch_apply, import_batch_create, import_batch_run
from portal.compliance.models import ImportBatch
from portal.people.models import Team
from tests.compliance.test_import_utf16 import private_files  # noqa: F401
from tests.compliance.test_organisation_concurrency import _second_while_first_is_open

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database for real concurrency"),
    pytest.mark.django_db(transaction=True),
]
HEADER = "Organisation Code,Organisation Name,Parent Organisation Code"


def _asked(name: str) -> ImportBatch:
    """A file renaming RX1-F, asked to apply from its dry run and waiting for the task worker."""
    data = f"{HEADER}\r\nRX1,Example Trust,\r\nRX1-F,{name},RX1\r\n".encode()
    batch, plan = import_batch_create(kind="organisation", data=data, filename=f"{name}.csv", user=None)
    assert len(plan.to_rename) == 1
    import_batch_apply(batch=batch, user=None, dry_run=batch.summary["dry_run"]["fingerprint"])
    batch.refresh_from_db()
    assert batch.status == ImportBatch.QUEUED
    return batch


def test_the_second_apply_plans_from_the_tree_the_first_left(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    trust = Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)
    trust.add_child(code="RX1-F", name="Finance", kind=Team.DIRECTORATE)
    first, second = _asked("Finance and Estates"), _asked("Finance Department")
    result, before_commit = _second_while_first_is_open(
        lambda: import_batch_run(first.pk), lambda: import_batch_run(second.pk)
    )
    assert (result, before_commit) == (ImportBatch.FAILED, False)
    first.refresh_from_db()
    assert first.status == ImportBatch.DONE
    assert Team.objects.get(code="RX1-F").name == "Finance and Estates"
    second.refresh_from_db()
    assert second.error == CHANGED_SINCE
