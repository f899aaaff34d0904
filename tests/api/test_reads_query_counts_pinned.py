"""The reads not pinned by tests/api/test_reads.py, pinned: a person's standing (live and as at a day), and the team and
organisation reads as at a day on each clock, for a client of the whole organisation and one limited to a team (whose
past-day scope reads the tree as it stood). Each runs the same queries however many people, teams, requirements and
ledger entries there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

from .test_reads_as_at_scope import _long_ago, after

# (path, query, {client: queries}). Each starts with the client (its team and its token's holder, one query) and ends
# with the audit line.
READS = {
    # the person and their team; their certificates; their status rows with their requirements
    "person": ("/api/v1/people/{fay}/standing", {}, {"standing": 5, "finance": 5}),
    # the person; (a team's client: the tree as recorded by the end of the day, the person's team on it); the
    # requirements, their teams; the ledger's completions by then, its entries (a cursor), the roster's rows (a
    # cursor); the person's names and numbers as recorded then
    "person as at": ("/api/v1/people/{fay}/standing", {"as_at": "{after}"}, {"standing": 9, "finance": 11}),
    # the team by its code; (a team's client: the tree that day, to hold it to its teams); the requirements; the tree
    # that day; names and numbers as recorded then; the requirements, their teams; the ledger's completions, its
    # entries, the roster's rows
    "team as at": ("/api/v1/teams/{payroll}/standing", {"as_at": "{after}"}, {"standing": 11, "finance": 12}),
    # the team by its code; (a team's client: the tree as it was that day); the requirements; the tree that day; the
    # status intervals counted by team and requirement
    "organisation as it was": (
        "/api/v1/organisation/figures",
        {"team": "{payroll}", "as_at": "{after}", "basis": "as_it_was"},
        {"standing": 6, "finance": 7},
    ),
    # as above, but in place of the status intervals: whether the day's figures were kept, and those figures summed
    "organisation as recorded": (
        "/api/v1/organisation/figures",
        {"team": "{payroll}", "as_at": "{after}", "basis": "as_recorded"},
        {"standing": 7, "finance": 8},
    ),
}


def _count(api, org, read, who) -> int:
    path, query, _ = READS[read]
    # the day, read when the test runs, not when the file is imported
    names = {"fay": org["people"]["fay"].employee_number, "payroll": org["teams"]["payroll"].code, "after": after()}
    query = {name: str(value).format(**names) for name, value in query.items()}
    with CaptureQueriesContext(connection) as queries:
        response = api("get", path.format(**names), who, query)
    assert response.status_code == 200, response.content
    return len(queries)


def _grow(org):
    """Five more teams under Payroll, each with a person, and five more requirements Fay has completed."""
    for n in range(5):
        team = factories.make_team(f"Payroll {n}", parent=org["teams"]["payroll"])
        person = factories.make_staff(team=team, first_name="More", last_name=f"Person {n}")
        factories.make_completion(person, org["fire"])
        factories.make_completion(org["people"]["fay"], factories.make_requirement(name=f"Course {n}"))


@pytest.mark.parametrize("who", ["standing", "finance"])
@pytest.mark.parametrize("read", READS)
def test_a_read_runs_its_pinned_queries_however_much_there_is(api, org, read, who):
    _long_ago()
    _count(api, org, read, who)  # the client's first call in a minute also notes when it was last used
    pinned = READS[read][2][who]
    assert _count(api, org, read, who) == pinned
    _grow(org)
    _long_ago()
    assert _count(api, org, read, who) == pinned
