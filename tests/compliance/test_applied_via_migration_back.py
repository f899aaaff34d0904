"""Compliance 0026 widened ImportBatch.applied_via from 100 characters to 255. Going back (a deploy rolled back) with a
batch naming its door in more than 100 failed on PostgreSQL ('value too long for type character varying(100)'), so
the rollback stopped there; SQLite kept the 200 characters in a field of 100. Going back now cuts the name to 100, as
the services did before 0026 (the audit log keeps it whole), and forward again keeps what was left."""

import pytest

from portal.compliance.models import ImportBatch
from tests import dbrole
from tests.compliance.test_certificate_migrations_with_data import _migrate

LONG = "API client " + "x" * 189
BEFORE = [("compliance", "0025_certificate_facts_key_unique")]


@pytest.mark.django_db(transaction=True)
def test_back_before_0026_cuts_a_long_door_to_100_and_forward_keeps_it():
    batch = ImportBatch.objects.create(kind=ImportBatch.COMPLETIONS, filename="api.json", applied_via=LONG)
    short = ImportBatch.objects.create(kind=ImportBatch.COMPLETIONS, filename="api.json", applied_via="API client a")
    with dbrole.as_owner():  # migrations run as the database's owner
        try:
            _migrate(BEFORE)
        finally:
            _migrate(None)  # and forward again
    batch.refresh_from_db()
    short.refresh_from_db()
    assert (batch.applied_via, short.applied_via) == (LONG[:100], "API client a")
