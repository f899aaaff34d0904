"""Two saves of a course mapping at once (two HR officers on two batch pages, a CMS editor and a batch page) are taken
one after the other, the second checking the mappings as the first left them (PostgreSQL: real concurrent
transactions). Before, both checked for a twin in other capitals before either had written, so both added a
mapping; a new course saved twice at once must still save, once, with one audit line.

The first save is held open (its transaction not committed) until the second has either finished or is seen
waiting for a lock in pg_locks: no sleeps, and the outcome does not depend on how fast either thread runs."""

import threading

import pytest
from django.db import connection, connections, transaction

from portal.audit.models import AuditEvent
from portal.compliance.mappings import MappingError, competence_mapping_save
from portal.compliance.models import CompetenceMapping
from tests import factories

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database for real concurrency"),
    pytest.mark.django_db(transaction=True),
]

COURSE = "NHS|CSTF|Fire Safety - 2 Years|"


def _waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return cursor.fetchone()[0]


def _second_while_first_is_open(first, second):
    """Run `first` in a transaction held open until `second`, in another thread, has finished or is waiting for a
    lock; return what `second` returned or raised, and whether it finished while the first was still open."""
    first_done, release, second_ready = threading.Event(), threading.Event(), threading.Event()
    outcome = {}

    def run_first():
        try:
            with transaction.atomic():
                first()
                first_done.set()
                release.wait(timeout=30)
        finally:
            first_done.set()
            connections.close_all()

    def run_second():
        first_done.wait(timeout=30)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            second_ready.set()
            outcome["result"] = second()
        except Exception as error:
            outcome["result"] = error
        finally:
            outcome["while_first_open"] = not release.is_set()
            second_ready.set()
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    second_ready.wait(timeout=30)
    for _ in range(3000):  # a bound, not a wait: each turn ends as soon as the thread finishes
        if not threads[1].is_alive() or _waiting_for_a_lock(outcome["pid"]):
            break
        threads[1].join(timeout=0.01)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    return outcome["result"], outcome["while_first_open"]


def _audit_lines() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.MAPPING_CHANGED).count()


@pytest.mark.parametrize("not_yet_mapped", [True, False], ids=["batch pages", "cms"])
def test_a_new_course_saved_twice_at_once_is_mapped_once(not_yet_mapped):
    fire = factories.make_requirement(name="Fire safety")

    def save():
        return competence_mapping_save(competence=COURSE, requirement=fire, user=None, not_yet_mapped=not_yet_mapped)

    result, while_first_open = _second_while_first_is_open(save, save)

    assert isinstance(result, CompetenceMapping), result
    assert not while_first_open
    assert list(CompetenceMapping.objects.values_list("competence_name", "requirement")) == [(COURSE, fire.pk)]
    assert _audit_lines() == 1


def test_one_course_saved_at_once_in_other_capitals_is_mapped_once():
    fire, level_2 = factories.make_requirement(name="Fire safety"), factories.make_requirement(name="Fire safety 2")

    result, while_first_open = _second_while_first_is_open(
        lambda: competence_mapping_save(competence=COURSE, requirement=fire, user=None, not_yet_mapped=True),
        lambda: competence_mapping_save(competence=COURSE.upper(), requirement=level_2, user=None, not_yet_mapped=True),
    )

    assert isinstance(result, MappingError) and f"'{COURSE}' is already mapped, to Fire safety" in str(result), result
    assert not while_first_open
    assert list(CompetenceMapping.objects.values_list("competence_name", "requirement")) == [(COURSE, fire.pk)]
    assert _audit_lines() == 1
