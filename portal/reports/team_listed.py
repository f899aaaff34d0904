"""The team page as it lists people: the first `listed` by name and the `listed` most overdue to chase, with the
counts, the figures and how many each list holds covering everyone.

HR's team page with no team chosen is the whole organisation: on a 12,000-person trust, 11,000 people by 12
requirements, of whom it lists 200 in each list. Judging all 130,000 cells in Python (`team.team_matrix`) to show 400
people's was most of the page's time. So live, one statement counts in SQL, over the status table, each requirement's
people by state and how many each list holds, picks the people listed, and reads them whole; only they are judged
cell by cell, as `team.team_matrix` judges everyone. As at a past day as it was, the same over the status table in
effective time (`team_listed_as_it_was`); as recorded then, nothing stores each person's standing as the portal had
recorded it on a past day, so it is worked out afresh from the ledger in Python, and only the people listed are made
into cells (`team_listed_as_recorded`).

"Remind everyone overdue" counts the people it would remind the same way, before it refuses more than it may send
(`overdue_to_remind`)."""

import datetime

from django.db import connections, router
from django.utils import timezone

from portal.compliance import status
from portal.compliance.asat import Moment
from portal.compliance.models import Requirement, RequirementStatus
from portal.people.models import StaffMember, Team

from .basis import AS_IT_WAS, AS_RECORDED
from .selectors import due_soon_days
from .team import (
    PERSON_COLUMNS,
    PERSON_FIELDS,
    STANDING_COLUMNS,
    STANDING_FIELDS,
    Person,
    TeamMatrix,
    person_urls,
    requirements_live,
)
from .team_counted import COUNTS, LISTED, PERSON, SHOWN, counted_matrix, judged_lists, tallies, tally
from .team_listed_as_it_was import team_matrix_as_it_was_listed
from .team_listed_as_recorded import team_matrix_as_recorded_listed

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
STAFF, TEAM, STANDING, REQUIREMENT = (
    model._meta.db_table for model in (StaffMember, Team, RequirementStatus, Requirement)
)
# A count's or a total's place for a person, and for the dates of a standing.
PERSON_NULLS = ", ".join(["NULL"] * len(PERSON_FIELDS))
DATE_NULLS = ", ".join(["NULL"] * (len(STANDING_FIELDS) - 1))

# One statement, three kinds of row in the same columns: the kind; a name (a count's state, a total's name); whether
# a count's rows are compliant; a count's or a total's number; a row's place by name and rank by what is owed; the
# person (id, names, employee number, employment, user, team's name); the standing (requirement id, then its dates).
# "row": a listed person with one of their status rows (or none): its place by name among the people shown and its
#   rank among them by what they owe, then the person and the standing as team.PEOPLE_WITH_STANDING reads them;
# "count": how many status rows of one requirement (in the standing's place) are in one state, compliant or not;
# "total": "everyone" in post in the teams (the people a requirement does not apply to are the rest), "shown" (with
#   something in the state the page is narrowed to, if it is), and of them "overdue" on something and to "chase".
# People are in post on %(today)s in the teams ({in_teams}), as team.PEOPLE_WITH_STANDING has them, with their status
# rows of the requirements shown ({in_requirements}); who is listed, and the rest, as team_counted says. Names compare
# as the database orders them ({collate} is empty), as team.PEOPLE_WITH_STANDING orders them.
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
    {PERSON}
), shown AS (
    {SHOWN}
)
SELECT 'row', NULL, NULL, NULL, shown.by_name, shown.by_owed, {PERSON_COLUMNS}, {STANDING_COLUMNS}
FROM shown
JOIN {STAFF} staff ON staff.id = shown.staff_id
JOIN {TEAM} team ON team.id = staff.team_id
LEFT JOIN {STANDING} standing ON standing.staff_id = staff.id AND ({{in_requirements}})
WHERE {LISTED}
UNION ALL{COUNTS.format(valid="valid", before=PERSON_NULLS, after=DATE_NULLS)}
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
    requirements, LISTED_WITH_COUNTS), whatever the size of the teams; as at a past day as it was, the same from the
    status table in effective time (`team_listed_as_it_was`); as recorded then, judged from the ledger in Python but
    made into cells only for the people listed (`team_listed_as_recorded`)."""
    if moment is not None and basis == AS_IT_WAS:
        return team_matrix_as_it_was_listed(
            scope, moment.day, listed=listed, requirement=requirement, state=state, tree=tree
        )
    if moment is not None:
        return team_matrix_as_recorded_listed(
            scope, moment, listed=listed, requirement=requirement, state=state, tree=tree
        )
    today = timezone.localdate()
    all_requirements = requirements_live()
    requirements = [r for r in all_requirements if requirement is None or r.pk == requirement.pk]
    counts, figures = tallies(requirements)
    totals, people, rows, url = {}, {}, {}, person_urls()
    width = len(STANDING_FIELDS)
    for row in _listed_with_counts(scope, requirements, today, state, listed):
        kind, name, valid, number, by_name, by_owed = row[:6]
        if kind == "count":  # `name` is the state, of the requirement in the standing's place
            tally(counts, figures, row[-width], name, valid, number)
        elif kind == "total":
            totals[name] = number
        else:
            person, (requirement_id, *dates) = row[6:-width], row[-width:]
            if person[0] not in people:
                people[person[0]] = (by_name, by_owed, Person.from_values(*person, url(person[0])))
            if requirement_id is not None:
                rows[person[0], requirement_id] = status.Standing(True, *dates)
    candidates = [(n <= listed, o <= listed, person) for n, o, person in sorted(people.values(), key=lambda p: p[0])]
    lines, chase = judged_lists(candidates, requirements, rows, today, listed)
    return counted_matrix(scope, requirements, all_requirements, counts, figures, totals, lines, chase)


def _listed_with_counts(teams: list[Team], requirements, day: datetime.date, state: str, listed: int) -> list[tuple]:
    """LISTED_WITH_COUNTS's rows."""
    connection = connections[router.db_for_read(StaffMember)]
    params, in_teams = _state_params(connection, teams, day)
    params |= {"state": state, "listed": listed}
    params |= {f"requirement{n}": r.pk for n, r in enumerate(requirements)}
    in_requirements = ", ".join(f"%(requirement{n})s" for n in range(len(requirements)))
    sql = LISTED_WITH_COUNTS.format(
        in_teams=in_teams,
        in_requirements=f"standing.requirement_id IN ({in_requirements})" if requirements else "1 = 0",
        collate="",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _state_params(connection, teams: list[Team], day: datetime.date) -> tuple[dict, str]:
    """The parameters STATE reads (the day and the first day past the due-soon window) and the teams', with the
    condition for "in the teams or below". A team's path is made of digits and capital letters (treebeard's
    alphabet), so it begins a LIKE pattern as it is."""
    on = connection.ops.adapt_datefield_value(day)
    soon = connection.ops.adapt_datefield_value(day + datetime.timedelta(days=due_soon_days()))
    params = {"today": on, "soon": soon} | {f"team{n}": f"{team.path}%" for n, team in enumerate(teams)}
    return params, " OR ".join(f"team.path LIKE %(team{n})s" for n in range(len(teams))) or "1 = 0"


# Whom "Remind everyone overdue" reminds: the people in post on %(today)s in the teams ({in_teams}), as
# LISTED_WITH_COUNTS has them, with something overdue (STATE) on a requirement in use: how many there are, as the team
# page counts them (the person asking among them, if they are), in the row without an id; and the ids of the first
# %(most)s by id other than the person asking (%(user)s), one a row.
OVERDUE_TO_REMIND = f"""
WITH overdue AS (
    SELECT DISTINCT staff.id, staff.user_id
    FROM {STAFF} staff
    JOIN {TEAM} team ON team.id = staff.team_id
    JOIN {STANDING} standing ON standing.staff_id = staff.id
    JOIN {REQUIREMENT} requirement ON requirement.id = standing.requirement_id
    WHERE staff.start_date <= %(today)s AND (staff.leave_date IS NULL OR staff.leave_date >= %(today)s)
        AND ({{in_teams}}) AND requirement.active AND {STATE} = '{status.OVERDUE}'
)
SELECT NULL, COUNT(*) FROM overdue
UNION ALL
SELECT id, NULL FROM (
    SELECT id FROM overdue WHERE user_id IS NULL OR user_id <> %(user)s ORDER BY id LIMIT %(most)s
) reminded
"""  # noqa: S608 - table and column names from the models; every value is a parameter


def overdue_to_remind(teams: list[Team], user, most: int) -> tuple[int, list[int]]:
    """How many people in post today in `teams` (and below) have something overdue, as the team page counts them
    (`TeamMatrix.overdue_count`, `user` among them if they are), and the ids of the first `most` of them but `user`:
    whom "Remind everyone overdue" would remind, counted in SQL so that more than it may send is refused without
    judging anyone, with the number the page shows. One query."""
    connection = connections[router.db_for_read(StaffMember)]
    params, in_teams = _state_params(connection, teams, timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(OVERDUE_TO_REMIND.format(in_teams=in_teams), params | {"user": user.pk, "most": most})
        rows = cursor.fetchall()
    return next(count for pk, count in rows if pk is None), sorted(pk for pk, _ in rows if pk is not None)
