"""The evidence: completions imported week by week, some voided later, written as a hash-chained ledger."""

import datetime
import random

from .clock import Clock
from .people import BenchPerson
from .shape import REQUIREMENTS, STAFF_GROUPS

VOID_REASONS = [
    "Imported against the wrong person: the national record had a mistyped assignment number.",
    "Duplicate of a completion already recorded under another competence name.",
    "Wrong achievement date in the national record.",
    "Course provider withdrew the completion after an assessment audit.",
    "Recorded for the wrong course level.",
]
NEVER_COMPLETED = 0.05  # share of (person, requirement) pairs with no completion at all
LAPSE = 0.03  # chance, after each completion, that the person stops renewing
VOIDED = 0.01  # share of imported completions voided by a later correction
INSERT_BATCH = 5000


def evidence_facts(rng: random.Random, people: list[BenchPerson], clock: Clock) -> list[tuple]:
    """Completions for each person and requirement that applies to them, while they are employed: the one still
    valid when the window opens and every renewal since, at roughly the renewal interval (most renew a little early,
    some late; some lapse; 5% of pairs never complete). Each is imported in the Monday batch 2-8 days after it, except
    those done before the portal went live (the window's first Monday): batch 1 brings in that history.

    Returns facts sorted in ledger order: (recorded_ts, kind 0 import / 1 void, line, staff, requirement,
    completed day ordinal, batch number / reason index, the import's own number / the number of the import voided)."""
    rand = rng.random
    renewal = [round(months * 365.25 / 12) for _, months, _ in REQUIREMENTS]
    applies = {
        group: [r for r, (_, _, groups) in enumerate(REQUIREMENTS) if groups is None or group in groups]
        for group in STAFF_GROUPS
    }
    monday = datetime.date(2001, 1, 1).toordinal()  # a Monday
    go_live = clock.window + (monday - clock.window) % 7  # the first import: the national record's history
    raw = []
    for person in people:
        end = min(person.leave - 1, clock.today) if person.leave else clock.today
        for r in applies[person.group]:
            if rand() < NEVER_COMPLETED:
                continue
            days = renewal[r]
            if person.start < clock.window - days:
                done = clock.window - int(rand() * days)  # the completion still valid when the window opens
            else:  # a new starter: most within 28 days, some late
                u = rand()
                done = person.start + (int(u * 40) if u < 0.85 else 28 + int(rand() * 150))
            while done <= end:
                batch_day = max(go_live, done + 2 + (monday - done - 2) % 7)
                if batch_day >= clock.today:
                    break  # in the next import
                raw.append((batch_day, person.id, r + 1, done))
                if rand() < LAPSE:
                    break
                u = rand()
                if u < 0.7:
                    done += days - int(rand() * 60)
                elif u < 0.9:
                    done += days + int(rand() * 21)
                else:
                    done += days + 21 + int(rand() * 150)
    raw.sort(key=lambda fact: fact[0])  # stable: each batch lists people in order
    facts, batch_days = [], {}
    line = 0
    for batch_day, staff_id, requirement_id, done in raw:
        if batch_day not in batch_days:
            batch_days[batch_day] = len(batch_days) + 1
            line = 1  # line 1 is the file's heading
        line += 1
        ts = clock.at(batch_day, 10 * 60 + (batch_day * 37) % 120)
        facts.append((ts, 0, line, staff_id, requirement_id, done, batch_days[batch_day], len(facts)))
    del raw
    voids = []
    for index, fact in enumerate(facts):
        if rand() < VOIDED:
            ts = fact[0] + 3600 + int(rand() * 60 * 86400)
            if ts >= clock.now_ts:
                ts = fact[0] + int((clock.now_ts - fact[0]) * (0.1 + 0.8 * rand()))
            voids.append((ts, 1, 0, fact[3], fact[4], 0, rng.randrange(len(VOID_REASONS)), index))
    facts.extend(voids)
    facts.sort()
    return facts


def write_ledger(facts: list[tuple], clock: Clock) -> int:
    """Insert the facts in ledger order with ids equal to seq, chaining hashes exactly as ledger.append_many does,
    then set the ledger head. Void rows name the seq of the entry they void."""
    from django.utils import timezone

    from portal.compliance.ledger import GENESIS_HASH, entry_hash
    from portal.compliance.models import EvidenceEntry, LedgerHead

    seq_of = {}  # import number -> seq
    prev, seq, pending = GENESIS_HASH, 0, []
    noon = datetime.time(12)
    completed_cache, recorded_cache = {}, {}
    for ts, kind, line, staff_id, requirement_id, done, extra, target in facts:
        seq += 1
        recorded_at = recorded_cache.get(ts)
        if recorded_at is None:
            recorded_at = recorded_cache[ts] = clock.aware(ts)
        if kind == 0:
            if done not in completed_cache:
                day = datetime.date.fromordinal(done)
                completed_cache[done] = (timezone.make_aware(datetime.datetime.combine(day, noon)), day.isoformat())
            completed_at, day = completed_cache[done]
            seq_of[target] = seq
            entry = EvidenceEntry(
                id=seq,
                seq=seq,
                staff_id=staff_id,
                requirement_id=requirement_id,
                completed_at=completed_at,
                recorded_at=recorded_at,
                source=EvidenceEntry.IMPORT,
                source_ref=f"import batch {extra} line {line}",
                idempotency_key=f"import:{staff_id}:{requirement_id}:{day}",  # as completions.py keys them
                prev_hash=prev,
            )
        else:
            voided = seq_of[target]
            entry = EvidenceEntry(
                id=seq,
                seq=seq,
                staff_id=staff_id,
                requirement_id=requirement_id,
                recorded_at=recorded_at,
                source=EvidenceEntry.VOID,
                source_ref=f"voids entry #{voided}",
                voids_id=voided,
                reason=VOID_REASONS[extra],
                idempotency_key=f"void:{voided}",
                prev_hash=prev,
            )
        entry.content_hash = prev = entry_hash(entry)
        pending.append(entry)
        if len(pending) == INSERT_BATCH:
            EvidenceEntry.objects.bulk_create(pending)
            pending = []
    EvidenceEntry.objects.bulk_create(pending)
    LedgerHead.objects.create(pk=1, seq=seq, head_hash=prev)
    return seq
