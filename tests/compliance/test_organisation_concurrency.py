"""Two changes to the team tree at once (two HR officers, an organisation file and the organisation page, two files)
are taken one after the other, each checking the tree as the other left it (PostgreSQL: real concurrent transactions).
Before, both passed their checks together: two teams whose codes differ only in case."""

import threading

import pytest
from django.db import connection, connections, transaction  # noqa: F401 (connection: the skipif condition)

from portal.compliance.organisation import TeamError, team_create
from portal.people.models import Team

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database for real concurrency"),
    pytest.mark.django_db(transaction=True),
]


def _second_while_first_is_open(first, second):
    """Run `first` in a transaction held open until `second`, in another thread, has finished or waited two seconds;
    return what `second` returned or raised, and whether it finished before the first committed."""
    started, release = threading.Event(), threading.Event()
    outcome = {}

    def run_first():
        try:
            with transaction.atomic():
                first()
                started.set()
                release.wait(timeout=30)
        finally:
            started.set()
            connections.close_all()

    def run_second():
        started.wait(timeout=30)
        try:
            outcome["result"] = second()
        except Exception as error:
            outcome["result"] = error
        finally:
            outcome["before_commit"] = not release.is_set()
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    threads[1].join(timeout=2)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    return outcome["result"], outcome["before_commit"]


def test_the_same_code_added_twice_at_once_in_two_cases_adds_one_team():
    trust = Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)
    result, before_commit = _second_while_first_is_open(
        lambda: team_create(name="Finance", code="rx1-f", kind=Team.TEAM, parent=trust, user=None),
        lambda: team_create(name="Finance", code="RX1-F", kind=Team.TEAM, parent=trust, user=None),
    )
    assert isinstance(result, TeamError) and "Code 'RX1-F' is already used by Finance" in str(result), result
    assert not before_commit
    assert list(Team.objects.filter(code__iexact="rx1-f").values_list("code", flat=True)) == ["rx1-f"]
