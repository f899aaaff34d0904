"""The team page as it lists people: the first `listed` by name and the `listed` most overdue to chase, with the
counts, the figures and how many each list holds covering everyone.

HR's team page with no team chosen is the whole organisation: on a 12,000-person trust, 11,000 people by 12
requirements, of whom it lists 200 in each list. Judging all 130,000 cells in Python (`team.team_matrix`) to show 400
people's was most of the page's time. So live, one statement counts in SQL, over the status table, each requirement's
people by state and how many each list holds, picks the people listed, and reads them whole; only they are judged
cell by cell, as `team.team_matrix` judges everyone. As at a past day the page is the whole matrix, cut."""

import datetime

from django.db import connections, router
from django.utils import timezone

from portal.compliance import status
from portal.compliance.asat import Moment
from portal.compliance.models import RequirementStatus
from portal.people.models import StaffMember, Team

from .basis import AS_RECORDED
from .organisation import Figure
from .selectors import due_soon_days
from .team import (
    CHASED,
    PERSON_COLUMNS,
    PERSON_FIELDS,
    STANDING_COLUMNS,
    STANDING_FIELDS,
    Cell,
    Owed,
    Person,
    TeamMatrix,
    cell_of,
    person_urls,
    requirements_live,
    team_matrix,
)

# A status row ("standing") holds a completion in date on %(today)s: what the figures count as compliant
# (`status.Standing.valid_on`).
VALID = "standing.completed_on IS NOT NULL AND (standing.expires_on IS NULL OR standing.expires_on >= %(today)s)"
# The state a status row gives on %(today)s, as `status.state_on` judges it; %(soon)s is the first day past the
# due-soon window (a due date before it is due soon). Dates compare as dates on PostgreSQL and as ISO text on SQLite,
# which orders the same. No row (a person nothing is required of): no state. tests/reports/test_team_listed.py holds
# it to state_on on each of its boundaries.
STATE = f"""CASE
            WHEN standing.id IS NULL THEN NULL
            WHEN standing.paused_from <= %(today)s
                AND (standing.paused_until IS NULL OR standing.paused_until >= %(today)s) THEN '{status.PAUSED}'
            WHEN {VALID} THEN CASE
                WHEN standing.renew_from <= %(today)s OR standing.due_on < %(soon)s THEN '{status.DUE_SOON}'
                ELSE '{status.COMPLIANT}' END
            WHEN standing.due_on < %(today)s THEN '{status.OVERDUE}'
            WHEN standing.completed_on IS NULL AND (standing.due_on IS NULL OR standing.due_on >= %(soon)s)
                THEN '{status.NOT_STARTED}'
            ELSE '{status.DUE_SOON}'
        END"""
STAFF, TEAM, STANDING = (model._meta.db_table for model in (StaffMember, Team, RequirementStatus))
# A count's or a total's place for a person, for the dates of a standing, and for both with the requirement.
PERSON_NULLS = ", ".join(["NULL"] * len(PERSON_FIELDS))
DATE_NULLS = ", ".join(["NULL"] * (len(STANDING_FIELDS) - 1))
ROW_NULLS = f"{PERSON_NULLS}, NULL, {DATE_NULLS}"

# One statement, three kinds of row in the same columns: the kind; a name (a count's state, a total's name); whether
# a count's rows are compliant; a count's or a total's number; a row's place by name and rank by what is owed; the
# person (id, names, employee number, employment, user, team's name); the standing (requirement id, then its dates).
# "row": a listed person with one of their status rows (or none): its place by name among the people shown and its
#   rank among them by what they owe, then the person and the standing as team.PEOPLE_WITH_STANDING reads them;
# "count": how many status rows of one requirement (in the standing's place) are in one state, compliant or not;
# "total": "everyone" in post in the teams (the people a requirement does not apply to are the rest), "shown" (with
#   something in the state the page is narrowed to, if it is), and of them "overdue" on something and to "chase".
# People are in post on %(today)s in the teams ({in_teams}), as team.PEOPLE_WITH_STANDING has them, with their status
# rows of the requirements shown ({in_requirements}). A person is listed by name among the first %(listed)s; to chase,
# if no more than %(listed)s - 1 people owe more or as much and earlier (RANK: the people who tie on it with the last
# of those to chase all come, and the names that break the tie are compared in Python, as team.Owed.sort_key does).
LISTED_WITH_COUNTS = f"""
WITH held AS (
    SELECT staff.id AS staff_id, standing.requirement_id, standing.due_on,
        {STATE} AS state,
        CASE WHEN {VALID} THEN 1 ELSE 0 END AS valid
    FROM {STAFF} staff
    JOIN {TEAM} team ON team.id = staff.team_id
    LEFT JOIN {STANDING} standing ON standing.staff_id = staff.id AND ({{in_requirements}})
    WHERE staff.start_date <= %(today)s AND (staff.leave_date IS NULL OR staff.leave_date >= %(today)s)
        AND ({{in_teams}})
), person AS (
    SELECT staff_id,
        SUM(CASE WHEN state = '{status.OVERDUE}' THEN 1 ELSE 0 END) AS overdue,
        SUM(CASE WHEN state = '{status.DUE_SOON}' THEN 1 ELSE 0 END) AS due_soon,
        MIN(CASE WHEN state IN ('{status.OVERDUE}', '{status.DUE_SOON}') THEN due_on END) AS earliest,
        MAX(CASE WHEN state = %(state)s THEN 1 ELSE 0 END) AS has_state
    FROM held
    GROUP BY staff_id
), shown AS (
    SELECT person.staff_id, overdue, due_soon,
        ROW_NUMBER() OVER (ORDER BY staff.last_name, staff.first_name, staff.id) AS by_name,
        RANK() OVER (ORDER BY overdue DESC, due_soon DESC, CASE WHEN earliest IS NULL THEN 1 ELSE 0 END, earliest)
            AS by_owed
    FROM person
    JOIN {STAFF} staff ON staff.id = person.staff_id
    WHERE %(state)s = '' OR has_state = 1
)
SELECT 'row', NULL, NULL, NULL, shown.by_name, shown.by_owed, {PERSON_COLUMNS}, {STANDING_COLUMNS}
FROM shown
JOIN {STAFF} staff ON staff.id = shown.staff_id
JOIN {TEAM} team ON team.id = staff.team_id
LEFT JOIN {STANDING} standing ON standing.staff_id = staff.id AND ({{in_requirements}})
WHERE shown.by_name <= %(listed)s OR (shown.overdue + shown.due_soon > 0 AND shown.by_owed <= %(listed)s)
UNION ALL
SELECT 'count', state, valid, COUNT(*), NULL, NULL, {PERSON_NULLS}, requirement_id, {DATE_NULLS}
FROM held WHERE state IS NOT NULL GROUP BY requirement_id, state, valid
UNION ALL
SELECT 'total', 'everyone', NULL, COUNT(*), NULL, NULL, {ROW_NULLS} FROM person
UNION ALL
SELECT 'total', 'shown', NULL, COUNT(*), NULL, NULL, {ROW_NULLS} FROM shown
UNION ALL
SELECT 'total', 'overdue', NULL, COUNT(*), NULL, NULL, {ROW_NULLS} FROM shown WHERE overdue > 0
UNION ALL
SELECT 'total', 'chase', NULL, COUNT(*), NULL, NULL, {ROW_NULLS} FROM shown WHERE overdue + due_soon > 0
"""  # noqa: S608 - table and column names from the models; every value is a parameter


def team_matrix_listed(
    scope: list[Team],
    moment: Moment | None = None,
    *,
    listed: int,
    requirement=None,
    state: str = "",
    basis: str = AS_RECORDED,
    tree=None,
) -> TeamMatrix:
    """`team.team_matrix`'s page (the same arguments), holding only the first `listed` people by name in `people`
    and the `listed` most overdue in `chase`, with how many each list holds whole. Live, two queries (the
    requirements, LISTED_WITH_COUNTS), whatever the size of the teams; as at a past day, as `team.team_matrix`."""
    if moment is not None:
        matrix = team_matrix(scope, moment, requirement=requirement, state=state, basis=basis, tree=tree)
        matrix.cut(listed)
        return matrix
    today = timezone.localdate()
    all_requirements = requirements_live()
    requirements = [r for r in all_requirements if requirement is None or r.pk == requirement.pk]
    counts = {r.pk: dict.fromkeys(status.LABELS, 0) for r in requirements}
    figures = {r.pk: Figure() for r in requirements}
    totals, people, rows, url = {}, {}, {}, person_urls()
    width = len(STANDING_FIELDS)
    for row in _listed_with_counts(scope, requirements, today, state, listed):
        kind, name, valid, number, by_name, by_owed = row[:6]
        if kind == "count":  # `name` is the state, of the requirement in the standing's place
            requirement_id = row[-width]
            counts[requirement_id][name] += number
            if name != status.PAUSED:  # paused people are left out of the figures
                figure = figures[requirement_id]
                figure.required += number
                figure.compliant += number if valid else 0
                figure.overdue += number if name == status.OVERDUE else 0
        elif kind == "total":
            totals[name] = number
        else:
            person, (requirement_id, *dates) = row[6:-width], row[-width:]
            if person[0] not in people:
                people[person[0]] = (by_name, by_owed, Person.from_values(*person, url(person[0])))
            if requirement_id is not None:
                rows[person[0], requirement_id] = status.Standing(True, *dates)
    for count in counts.values():
        count[status.NOT_REQUIRED] = totals["everyone"] - sum(count.values())
    lines, chase = _lists(sorted(people.values(), key=lambda p: p[0]), requirements, rows, today, listed)
    matrix = TeamMatrix.of(scope, requirements, all_requirements, counts, figures, lines, chase)
    matrix.people_count, matrix.chase_count = totals["shown"], totals["chase"]
    matrix.overdue_count, matrix.due_soon_count = totals["overdue"], totals["chase"] - totals["overdue"]
    return matrix


def _lists(candidates, requirements, rows, today: datetime.date, listed: int) -> tuple[list, list]:
    """The list of people by name and the list to chase, from `candidates` ((place by name, rank by what they owe,
    Person), by name) and their standings (`rows`), each cell judged as `team.team_matrix` judges it."""
    window, months = due_soon_days(), {}
    columns = [(r, Cell(status.NOT_REQUIRED, r)) for r in requirements]
    lines, chase = [], []
    for by_name, by_owed, person in candidates:
        cells = []
        for requirement, not_required in columns:
            standing = rows.get((person.pk, requirement.pk))
            cells.append(not_required if standing is None else cell_of(requirement, standing, today, window, months)[0])
        if by_name <= listed:
            lines.append((person, cells))
        owed = [cell for cell in cells if cell.state in CHASED]
        if owed and by_owed <= listed:
            chase.append(Owed.of(person, owed))
    return lines, sorted(chase, key=Owed.sort_key)[:listed]


def _listed_with_counts(teams: list[Team], requirements, day: datetime.date, state: str, listed: int) -> list[tuple]:
    """LISTED_WITH_COUNTS's rows. A team's path is made of digits and capital letters (treebeard's alphabet), so it
    begins a LIKE pattern as it is."""
    connection = connections[router.db_for_read(StaffMember)]
    on = connection.ops.adapt_datefield_value(day)
    soon = connection.ops.adapt_datefield_value(day + datetime.timedelta(days=due_soon_days()))
    params = {"today": on, "soon": soon, "state": state, "listed": listed}
    params |= {f"team{n}": f"{team.path}%" for n, team in enumerate(teams)}
    params |= {f"requirement{n}": r.pk for n, r in enumerate(requirements)}
    in_teams = " OR ".join(f"team.path LIKE %(team{n})s" for n in range(len(teams))) or "1 = 0"
    in_requirements = ", ".join(f"%(requirement{n})s" for n in range(len(requirements)))
    sql = LISTED_WITH_COUNTS.format(
        in_teams=in_teams,
        in_requirements=f"standing.requirement_id IN ({in_requirements})" if requirements else "1 = 0",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
