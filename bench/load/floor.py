"""The "floor" of a submission: the writes a quiz submission or attestation cannot do without, in raw SQL.

One POST inserts the answers, appends an entry to a hash chain (holding the chain's head only for the insert, as the
ledger does) and upserts the person's status row, in one transaction. No session, no template, no ORM, no permission
check. The portal's submissions are measured against it: what the portal does beyond these writes is what the ratio
prices. Its tables are the bench's own (`bench_floor_*`), made before the run and dropped after it, so the portal's
ledger and its chain are never touched.
"""

import datetime
import hashlib
import json

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLES = ("bench_floor_answers", "bench_floor_entry", "bench_floor_head", "bench_floor_status")

SCHEMA = """
CREATE TABLE IF NOT EXISTS bench_floor_answers (
    id bigserial PRIMARY KEY, staff_id bigint NOT NULL, quiz_id bigint NOT NULL, answers jsonb NOT NULL,
    correct_count smallint NOT NULL, passed boolean NOT NULL, submitted_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS bench_floor_answers_staff ON bench_floor_answers (staff_id, quiz_id);
CREATE TABLE IF NOT EXISTS bench_floor_entry (
    id bigserial PRIMARY KEY, seq bigint NOT NULL UNIQUE, staff_id bigint NOT NULL, requirement_id bigint NOT NULL,
    completed_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL, source varchar(20) NOT NULL,
    prev_hash char(64) NOT NULL, entry_hash char(64) NOT NULL);
CREATE INDEX IF NOT EXISTS bench_floor_entry_person ON bench_floor_entry (staff_id, requirement_id);
CREATE INDEX IF NOT EXISTS bench_floor_entry_recorded ON bench_floor_entry (recorded_at);
CREATE TABLE IF NOT EXISTS bench_floor_head (id smallint PRIMARY KEY, seq bigint NOT NULL, head_hash char(64) NOT NULL);
INSERT INTO bench_floor_head VALUES (1, 0, repeat('0', 64)) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS bench_floor_status (
    id bigserial PRIMARY KEY, staff_id bigint NOT NULL, requirement_id bigint NOT NULL, completed_on date NOT NULL,
    expires_on date NOT NULL, entry_id bigint NOT NULL, updated_at timestamptz NOT NULL,
    UNIQUE (staff_id, requirement_id));
"""


def create_tables(conn) -> None:
    """`conn` is a psycopg connection to the bench database (autocommit)."""
    for statement in filter(str.strip, SCHEMA.split(";")):
        conn.execute(statement)


def drop_tables(conn) -> None:
    conn.execute("DROP TABLE IF EXISTS " + ", ".join(TABLES))


@csrf_exempt
@login_not_required
@require_POST
def floor_submission(request):
    try:
        staff_id, requirement_id = int(request.POST["staff"]), int(request.POST["requirement"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("staff and requirement must be numbers")
    answers = json.dumps({f"q{i}": "a" for i in range(10)})
    now = datetime.datetime.now(datetime.UTC)
    today = now.date()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor_answers (staff_id, quiz_id, answers, correct_count, passed, submitted_at) "
            "VALUES (%s, %s, %s, 10, true, %s)",
            [staff_id, requirement_id, answers, now],
        )
        # The chain: the head is read and moved in the same short lock the ledger holds for its insert.
        cursor.execute("SELECT seq, head_hash FROM bench_floor_head WHERE id = 1 FOR UPDATE")
        seq, prev_hash = cursor.fetchone()
        entry_hash = hashlib.sha256(f"{prev_hash}|{seq + 1}|{staff_id}|{requirement_id}|{now}".encode()).hexdigest()
        cursor.execute(
            "INSERT INTO bench_floor_entry (seq, staff_id, requirement_id, completed_at, recorded_at, source, "
            "prev_hash, entry_hash) VALUES (%s, %s, %s, %s, %s, 'portal', %s, %s) RETURNING id",
            [seq + 1, staff_id, requirement_id, now, now, prev_hash, entry_hash],
        )
        (entry_id,) = cursor.fetchone()
        cursor.execute("UPDATE bench_floor_head SET seq = %s, head_hash = %s WHERE id = 1", [seq + 1, entry_hash])
        cursor.execute(
            "INSERT INTO bench_floor_status (staff_id, requirement_id, completed_on, expires_on, entry_id, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (staff_id, requirement_id) DO UPDATE SET "
            "completed_on = EXCLUDED.completed_on, expires_on = EXCLUDED.expires_on, entry_id = EXCLUDED.entry_id, "
            "updated_at = EXCLUDED.updated_at",
            [staff_id, requirement_id, today, today + datetime.timedelta(days=365), entry_id, now],
        )
    return HttpResponse("ok", content_type="text/plain")
