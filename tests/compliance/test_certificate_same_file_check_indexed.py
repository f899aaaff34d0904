"""Verifying a certificate looks for the same file (its SHA-256) uploaded by anyone else (b837ef6). Every certificate
ever uploaded, by everyone, is a candidate: a large trust gathers hundreds of thousands over the years, and without an
index on the hash each verification read them all (a sequential scan of the table, the plan below)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.compliance.certificates import certificate_decide
from portal.compliance.models import Certificate
from tests.compliance import test_certificates
from tests.compliance.test_certificate_another_persons_file import _uploaded

staff, course, hr = test_certificates.staff, test_certificates.course, test_certificates.hr


def test_an_index_leads_with_the_files_hash(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Certificate._meta.db_table)
    assert any(c["index"] and c["columns"][:1] == ["sha256"] for c in constraints.values())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_check_for_someone_elses_file_reads_the_index(person, course, hr):
    certificate = _uploaded(person, course, "2026-01-15")
    with CaptureQueriesContext(connection) as queries:
        certificate_decide(certificate=certificate, reviewer=hr, approve=True)
    # The only read of certificates by hash that names their people: the check for someone else's.
    (check,) = [q["sql"] for q in queries if '"sha256" = ' in q["sql"] and "people_staffmember" in q["sql"]]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the plan for a table of any size, not for this one row
        cursor.execute(f"EXPLAIN {check}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # Before: a Bitmap Index Scan on (status, uploaded_at), every certificate waiting or verified read and filtered.
    conditions = [line for line in plan.splitlines() if "Index Cond" in line]
    assert any("sha256" in line for line in conditions), plan
