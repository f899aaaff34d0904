"""The team page about a past day as it was, as it lists people (`team_listed`'s page on the other clock): counted in
SQL over the status table in effective time (`compliance.StatusInterval`), whose every run keeps its own state and
whether it counts as compliant, so nothing is judged to count; only the people listed are read whole.

HR's page for the whole organisation a month ago read every run that held that day (130,000 on a 12,000-person trust)
and made a cell of each, to list 400 people. Now one statement counts each requirement's people by state, compliant
or not, and the people in each list, and returns only the runs of the people listed. The people with nothing required
that day have no run: they are found as before (`team.nothing_required_as_it_was`, one query; few in any trust) and
added to the counts and, by name, to the list of everyone."""

import datetime

from django.db import connections, router

from portal.compliance import status
from portal.compliance.models import StatusInterval
from portal.compliance.requirement_history import requirements_in_force_on
from portal.people.models import StaffMember, Team
from portal.people.team_history import Tree, tree_on

from .basis import AS_IT_WAS
from .selectors import pauses_in_force
from .team import Held, Person, TeamMatrix, nothing_required_as_it_was, person_urls
from .team_counted import COUNTS, LISTED, PERSON, SHOWN, STAFF, counted_matrix, judged_lists, tallies, tally

INTERVAL = StatusInterval._meta.db_table
# The runs that held on %(day)s in the teams as the tree stood that day ({in_teams}), of the requirements in force
# then ({in_use}): a person on the page has one of these, as team.RUN_FIELDS reads them.
ON_DAY = "run.valid_from <= %(day)s AND run.valid_to > %(day)s AND ({in_teams}) AND ({in_use})"
RUN_COLUMNS = "run.team_id, run.requirement_id, run.state, run.compliant, run.completed_on, run.due_on"
PERSON_COLUMNS = ", ".join(f"staff.{name}" for name in ("id", "first_name", "last_name", "employee_number"))
PERSON_COLUMNS += ", staff.employment_type, staff.user_id"
# A count's or a total's place for the person and the team then, and for the run after its requirement.
PERSON_NULLS, RUN_NULLS = ", ".join(["NULL"] * 7), ", ".join(["NULL"] * 4)

# One statement, as team_listed.LISTED_WITH_COUNTS: the kind; a name (a count's state, a total's name); whether a
# count's runs are compliant; a count's or a total's number; a row's place by name and rank by what is owed; the person
# (id, names, employee number, employment, user); the run (the team then, the requirement, its state, whether
# compliant, its completion and due date).
# "row": each run that day of a listed person; "count": how many runs of one requirement shown ({in_shown}) are in one
# state, compliant or not; "total": as team_counted.COUNTS. Names compare as Python compares them ({collate}), as
# team._team_matrix_as_it_was sorted them.
LISTED_AS_IT_WAS = f"""
WITH held AS (
    SELECT run.staff_id, run.requirement_id, run.compliant, run.due_on,
        CASE WHEN {{in_shown}} THEN run.state END AS state
    FROM {INTERVAL} run
    WHERE {ON_DAY}
), person AS (
    {PERSON}
), shown AS (
    {SHOWN}
)
SELECT 'row', NULL, NULL, NULL, shown.by_name, shown.by_owed, {PERSON_COLUMNS}, {RUN_COLUMNS}
FROM shown
JOIN {STAFF} staff ON staff.id = shown.staff_id
JOIN {INTERVAL} run ON run.staff_id = shown.staff_id AND {ON_DAY}
WHERE {LISTED}
UNION ALL{COUNTS.format(valid="compliant", before=PERSON_NULLS, after=RUN_NULLS)}
"""  # noqa: S608 - table and column names from the models; every value is a parameter


def team_matrix_as_it_was_listed(
    scope: list[Team],
    day: datetime.date,
    *,
    listed: int,
    requirement=None,
    state: str = "",
    tree: Tree | None = None,
) -> TeamMatrix:
    """`team.team_matrix`'s page as it was on `day` (`team._team_matrix_as_it_was`), holding only the first `listed`
    people by name in `people` and the `listed` most overdue in `chase`, with how many each list holds whole. Four
    queries with the requirements and the tree (none for the tree when the caller has read it), whatever the size of
    the teams; one more when someone listed was paused, for the pauses' last days, and one more when a requirement was
    changed after the day, for its terms then."""
    all_requirements = requirements_in_force_on(day)
    requirements = [r for r in all_requirements if requirement is None or r.pk == requirement.pk]
    tree = tree or tree_on(day)
    url = person_urls(day, AS_IT_WAS)
    counts, figures = tallies(requirements)
    totals, people, rows = {}, {}, {}
    for kind, name, valid, number, by_name, by_owed, *rest in _listed_as_it_was(
        scope, tree, day, all_requirements, requirements, state, listed
    ):
        if kind == "count":  # `name` is the state, of the requirement in the run's place
            tally(counts, figures, rest[7], name, valid, number)
        elif kind == "total":
            totals[name] = number
        else:
            *person, team_id, requirement_id, run_state, compliant, completed_on, due_on = rest
            if person[0] not in people:
                found = Person.from_values(*person, tree.name(team_id), url(person[0]))
                people[person[0]] = [by_name <= listed, by_owed <= listed, found]
            rows[person[0], requirement_id] = Held(run_state, bool(compliant), completed_on, due_on)
    _with_pauses(rows, day, {r.pk for r in requirements})
    nothing = nothing_required_as_it_was(scope, day, [r.pk for r in all_requirements], url, tree)
    totals["everyone"] += len(nothing)
    candidates = list(people.values())
    if not state:  # nothing required of them, so nothing of theirs is in a state the page may be narrowed to
        totals["shown"] += len(nothing)
        candidates += [[True, False, person] for person in nothing]
    candidates.sort(key=lambda c: (c[2].last_name, c[2].first_name, c[2].pk))
    named = 0
    for candidate in candidates:  # the first `listed` by name of the people shown, those with nothing required too
        named += candidate[0]
        candidate[0] = candidate[0] and named <= listed
    candidates = [candidate for candidate in candidates if candidate[0] or candidate[1]]
    lines, chase = judged_lists(candidates, requirements, rows, day, listed, judged=True)
    matrix = counted_matrix(scope, requirements, all_requirements, counts, figures, totals, lines, chase, as_at=day)
    matrix.basis = AS_IT_WAS
    return matrix


def _with_pauses(rows: dict, day: datetime.date, shown: set[int]) -> None:
    """The last day of each pause in force on `day` a listed person's cell shows: one query, none if none is."""
    paused = [key for key, held in rows.items() if held.state == status.PAUSED and key[1] in shown]
    if paused:
        until = pauses_in_force(day, {pk for pk, _ in paused})
        for key in paused:
            rows[key] = rows[key]._replace(paused_until=until.get(key))


def _listed_as_it_was(scope, tree: Tree, day, in_use, shown, state: str, listed: int) -> list[tuple]:
    """LISTED_AS_IT_WAS's rows: `in_use` are the requirements in force that day, `shown` those on the page."""
    connection = connections[router.db_for_read(StaffMember)]
    params = {"day": connection.ops.adapt_datefield_value(day), "state": state, "listed": listed}
    teams = tree.under(scope)
    if teams and len(teams) == len(tree.teams):  # the whole tree: every run in a team (as Tree.scope_q reads it)
        in_teams = "run.team_id IS NOT NULL"
    else:
        params |= {f"team{n}": pk for n, pk in enumerate(sorted(teams))}
        in_teams = _in("run.team_id", [f"team{n}" for n in range(len(teams))])
    params |= {f"use{n}": r.pk for n, r in enumerate(in_use)} | {f"shown{n}": r.pk for n, r in enumerate(shown)}
    sql = LISTED_AS_IT_WAS.format(
        in_teams=in_teams,
        in_use=_in("run.requirement_id", [f"use{n}" for n in range(len(in_use))]),
        in_shown=_in("run.requirement_id", [f"shown{n}" for n in range(len(shown))]),
        # Python compares names by code point, as PostgreSQL's "C" collation and SQLite's own compare them.
        collate=' COLLATE "C"' if connection.vendor == "postgresql" else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in(column: str, names: list[str]) -> str:
    return f"{column} IN ({', '.join(f'%({name})s' for name in names)})" if names else "1 = 0"
