"""Two transactions at once, on PostgreSQL: the first held open until the second has finished or is seen waiting for
a lock in pg_locks. No sleeps, and the outcome does not depend on how fast either thread runs."""

import threading

from django.db import connection, connections, transaction


def waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return cursor.fetchone()[0]


def second_while_first_is_open(first, second):
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
        if not threads[1].is_alive() or waiting_for_a_lock(outcome["pid"]):
            break
        threads[1].join(timeout=0.01)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    return outcome["result"], outcome["while_first_open"]
