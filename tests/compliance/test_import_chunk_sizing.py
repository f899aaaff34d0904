"""How an import sizes its chunks (`ChunkSizer`): fed the time each chunk took on a machine where a chunk of n rows
takes fixed + per_row x n seconds, it aims at the target when the fixed part is small, and when it is not keeps the
fixed part under its share of each chunk, rather than shrinking chunks to a handful of rows that each pay it (a
10,000-row import took 152 s under load against 7 s quiet that way)."""

import random

import pytest
from django.utils import timezone

from portal.compliance import ledger
from portal.compliance.imports import completions
from portal.compliance.imports.completions import FIXED_SHARE, GROWTH, ChunkSizer
from portal.compliance.models import EvidenceEntry
from tests import factories

TARGET = completions.CHUNK_SECONDS
QUIET = (0.02, 0.0005)  # fixed seconds, seconds a row: about a 2-core machine with nothing else running
BUSY = (0.25, 0.0025)  # the same at load average 7: the fixed part nearly the whole target
SWAMPED = (0.4, 0.002)  # the fixed part alone past the target


def _import(sizer, machine, rows=10_000, noise=0.0, seed=1):
    """Feed `sizer` the times of an import of `rows` on `machine` (fixed, per_row), each time off by up to `noise`
    (a fraction) at random. Returns [(rows, seconds)] for each chunk."""
    rng = random.Random(seed)
    fixed, per_row = machine
    chunks, done = [], 0
    while done < rows:
        size = min(sizer.size, rows - done)
        seconds = (fixed + per_row * size) * (1 + rng.uniform(-noise, noise))
        sizer.took(size, seconds)
        chunks.append((size, seconds))
        done += size
    return chunks


def _total(chunks) -> float:
    return sum(seconds for _, seconds in chunks)


def _fixed_share(chunk, machine) -> float:
    return machine[0] / (machine[0] + machine[1] * chunk[0])


def test_the_fit_needs_two_sizes_then_finds_both_parts():
    sizer = ChunkSizer(first=200)
    sizer.took(200, 0.05 + 0.001 * 200)
    assert sizer.fit() is None  # one size: the time could be all fixed or all per row
    sizer.took(150, 0.05 + 0.001 * 150)
    fixed, per_row = sizer.fit()
    assert fixed == pytest.approx(0.05) and per_row == pytest.approx(0.001)


def test_on_a_quiet_machine_chunks_end_near_the_target():
    chunks = _import(ChunkSizer(), QUIET)
    settled = chunks[10:-1]  # after the first chunks' growth, before the last (what was left)
    ideal = (TARGET - QUIET[0]) / QUIET[1]  # 560 rows
    assert max(size for size, _ in settled) == pytest.approx(ideal, rel=0.02)
    assert all(seconds <= TARGET * 1.01 for _, seconds in settled)
    assert all(seconds >= TARGET * 0.7 for _, seconds in settled)  # the smaller ones too: a quarter off at most


@pytest.mark.parametrize("machine", [BUSY, SWAMPED], ids=["fixed part near the target", "past it"])
def test_on_a_busy_machine_the_fixed_part_stays_under_its_share(machine):
    chunks = _import(ChunkSizer(), machine)
    settled = chunks[12:-1]
    assert all(_fixed_share(chunk, machine) <= FIXED_SHARE * 1.01 for chunk in settled)
    # The whole import: the rows' own time, and at most the fixed share on top, but for the first chunks' growth.
    least = 10_000 * machine[1]
    assert _total(chunks) <= least / (1 - FIXED_SHARE) * 1.15
    # Sizing by the last chunk's time alone took the chunks down to the smallest, each paying the fixed part.
    assert _total(chunks) < _total(_old_rule(machine)) / 3


def _old_rule(machine, rows=10_000):
    """The sizing before: the next size from the last chunk's time as if it were all per row."""
    size, done, chunks = completions.FIRST_CHUNK, 0, []
    while done < rows:
        size = min(size, rows - done)
        seconds = machine[0] + machine[1] * size
        chunks.append((size, seconds))
        done += size
        size = max(20, min(2000, int(size * GROWTH), int(size * TARGET / seconds)))
    return chunks


def test_noisy_times_still_give_chunks_near_the_rule():
    """Times off by up to a third either way, as on a machine shared with other work: the sizes wander, but the
    import costs little more than with exact times, and no chunk passes the bounds."""
    for seed in range(5):
        chunks = _import(ChunkSizer(), BUSY, noise=0.33, seed=seed)
        assert all(completions.SMALLEST_CHUNK <= size <= completions.LARGEST_CHUNK for size, _ in chunks[:-1])
        assert _total(chunks) <= 10_000 * BUSY[1] / (1 - FIXED_SHARE) * 1.3


def test_when_the_machine_gets_busy_half_way_the_chunks_follow():
    sizer = ChunkSizer()
    _import(sizer, QUIET, rows=10_000)
    busy = _import(sizer, BUSY, rows=20_000)
    # Within a few chunks of the change the fixed part is back under its share (larger chunks), and only a few
    # chunks take far longer than they should while the fit still remembers the quiet machine.
    assert all(_fixed_share(chunk, BUSY) <= FIXED_SHARE * 1.05 for chunk in busy[8:-1])
    assert sum(seconds > 1.5 for _, seconds in busy) <= 2


def test_when_the_machine_gets_quiet_the_chunks_shrink_back_to_the_target():
    sizer = ChunkSizer()
    _import(sizer, BUSY, rows=10_000)
    quiet = _import(sizer, QUIET, rows=10_000)
    assert all(seconds <= TARGET * 1.05 for _, seconds in quiet[8:-1])


def test_a_chunk_grows_by_at_most_half_on_the_last_chosen_size():
    """A machine on which rows cost next to nothing: the chunks grow as fast as they may, not in one leap."""
    chunks = _import(ChunkSizer(first=200), (0.001, 1e-7))
    # Chosen 200, 300, 450, 675, 1013, 1520, then the largest; every other chunk three quarters of that.
    assert [size for size, _ in chunks][:9] == [200, 225, 450, 507, 1013, 1140, 2000, 1500, 2000]


def test_a_chunk_is_never_below_the_smallest():
    chunks = _import(ChunkSizer(), (0.0, 0.1), rows=300)  # a tenth of a second a row
    assert {size for size, _ in chunks} == {200, completions.SMALLEST_CHUNK}


@pytest.mark.django_db
def test_the_import_takes_the_sizes_the_sizer_chooses():
    staff = [factories.make_staff() for _ in range(4)]
    requirement = factories.make_requirement(name="Fire Safety")
    rows = [
        {
            "idempotency_key": f"sizing:{n}",
            "staff_id": staff[n % 4].pk,
            "requirement_id": requirement.pk,
            "source": EvidenceEntry.IMPORT,
            "source_ref": f"line {n}",
            "completed_at": timezone.now(),
        }
        for n in range(40)
    ]
    rows.sort(key=lambda row: row["staff_id"])

    class Told(ChunkSizer):
        def __init__(self):
            super().__init__(first=7, smallest=3)
            self.told = []

        def took(self, rows, seconds):
            self.told.append((rows, self.size, seconds))
            super().took(rows, seconds)

    sizer, boundaries = Told(), []
    completions.record_in_chunks(rows, during=boundaries.append, sizer=sizer)
    assert sum(rows for rows, _, _ in sizer.told) == 40 and len(sizer.told) > 1
    assert all(rows == size for rows, size, _ in sizer.told[:-1])  # each chunk as chosen, but the last: what is left
    assert all(seconds > 0 for _, _, seconds in sizer.told)
    assert boundaries == [sum(rows for rows, _, _ in sizer.told[: n + 1]) for n in range(len(sizer.told))]
    assert EvidenceEntry.objects.count() == 40 and ledger.verify_chain().intact
