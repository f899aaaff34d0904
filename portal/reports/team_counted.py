"""The team page put together from counts made in SQL and the few people it lists (`team_listed` live,
`team_listed_as_it_was` about a past day): each requirement's people by state and the figures that follow, how many
each list holds, and only the listed people judged cell by cell, as `team.team_matrix` judges everyone."""

import datetime

from portal.compliance import status
from portal.people.models import StaffMember

from .organisation import Figure
from .selectors import due_soon_days
from .team import CHASED, Cell, Owed, TeamMatrix, cell_of

STAFF = StaffMember._meta.db_table

# The parts of the statements that count a team page in SQL (`team_listed.LISTED_WITH_COUNTS`,
# `team_listed_as_it_was.LISTED_AS_IT_WAS`), which differ in where each person's state on each requirement comes from
# ("held": staff_id, state, due_on; the state NULL where a person has a row of a requirement not shown).
# "person": what each person owes (how many overdue and due soon, the earliest of their dates) and whether something
# is in the state the page is narrowed to (%(state)s).
PERSON = f"""SELECT staff_id,
        SUM(CASE WHEN state = '{status.OVERDUE}' THEN 1 ELSE 0 END) AS overdue,
        SUM(CASE WHEN state = '{status.DUE_SOON}' THEN 1 ELSE 0 END) AS due_soon,
        MIN(CASE WHEN state IN ('{status.OVERDUE}', '{status.DUE_SOON}') THEN due_on END) AS earliest,
        MAX(CASE WHEN state = %(state)s THEN 1 ELSE 0 END) AS has_state
    FROM held
    GROUP BY staff_id"""  # noqa: S608 - the states are the code's own; every value is a parameter
# "shown": the people on the page, each with their place by name ({collate}: how names compare) and their rank by what
# they owe (RANK: the people who tie on it with the last of those to chase all come, and the names that break the tie
# are compared in Python, as team.Owed.sort_key does).
SHOWN = f"""SELECT person.staff_id, overdue, due_soon,
        ROW_NUMBER() OVER (ORDER BY staff.last_name{{collate}}, staff.first_name{{collate}}, staff.id) AS by_name,
        RANK() OVER (ORDER BY overdue DESC, due_soon DESC, CASE WHEN earliest IS NULL THEN 1 ELSE 0 END, earliest)
            AS by_owed
    FROM person
    JOIN {STAFF} staff ON staff.id = person.staff_id
    WHERE %(state)s = '' OR has_state = 1"""  # noqa: S608 - a table name from the model; every value is a parameter
# Who is listed: by name among the first %(listed)s; to chase, if no more than %(listed)s - 1 people owe more or as
# much and earlier.
LISTED = "shown.by_name <= %(listed)s OR (shown.overdue + shown.due_soon > 0 AND shown.by_owed <= %(listed)s)"
# "count": how many rows of `held` of one requirement are in one state, compliant ({valid}) or not; then the totals,
# "everyone" (the people a requirement does not apply to are the rest), "shown" (with something in the state the page
# is narrowed to, if it is), and of them "overdue" on something and to "chase". Each row is padded to the statement's
# width: {before}, the columns between the place by what is owed and the requirement; {after}, those after it.
COUNTS = """
SELECT 'count', state, {valid}, COUNT(*), NULL, NULL, {before}, requirement_id, {after}
FROM held WHERE state IS NOT NULL GROUP BY requirement_id, state, {valid}
UNION ALL
SELECT 'total', 'everyone', NULL, COUNT(*), NULL, NULL, {before}, NULL, {after} FROM person
UNION ALL
SELECT 'total', 'shown', NULL, COUNT(*), NULL, NULL, {before}, NULL, {after} FROM shown
UNION ALL
SELECT 'total', 'overdue', NULL, COUNT(*), NULL, NULL, {before}, NULL, {after} FROM shown WHERE overdue > 0
UNION ALL
SELECT 'total', 'chase', NULL, COUNT(*), NULL, NULL, {before}, NULL, {after} FROM shown WHERE overdue + due_soon > 0"""


def tallies(requirements) -> tuple[dict, dict]:
    """Empty counts (requirement id -> state -> people) and figures (requirement id -> Figure) to `tally` into."""
    return {r.pk: dict.fromkeys(status.LABELS, 0) for r in requirements}, {r.pk: Figure() for r in requirements}


def tally(counts: dict, figures: dict, requirement_id: int, state: str, valid, number: int) -> None:
    """`number` status rows of a requirement in `state`, holding a completion in date (`valid`) or not. Paused people
    are left out of the figures, as the organisation report leaves them out."""
    counts[requirement_id][state] += number
    if state != status.PAUSED:
        figure = figures[requirement_id]
        figure.required += number
        figure.compliant += number if valid else 0
        figure.overdue += number if state == status.OVERDUE else 0


def judged_lists(candidates, requirements, rows, today: datetime.date, listed: int, judged: bool = False):
    """The list of people by name and the list to chase, from `candidates` ((listed by name, a candidate to chase,
    Person), by name) and their standings (`rows`: status.Standing, or `judged` Held), each cell judged as
    `team.team_matrix` judges it; the chase list sorted and cut to `listed`."""
    window, months = due_soon_days(), {}
    columns = [(r, Cell(status.NOT_REQUIRED, r)) for r in requirements]
    lines, chase = [], []
    for by_name, to_chase, person in candidates:
        cells = []
        for requirement, not_required in columns:
            standing = rows.get((person.pk, requirement.pk))
            if standing is None:
                cells.append(not_required)
            else:
                cells.append(cell_of(requirement, standing, today, window, months, judged)[0])
        if by_name:
            lines.append((person, cells))
        owed = [cell for cell in cells if cell.state in CHASED]
        if owed and to_chase:
            chase.append(Owed.of(person, owed))
    return lines, sorted(chase, key=Owed.sort_key)[:listed]


def counted_matrix(scope, requirements, all_requirements, counts, figures, totals: dict, lines, chase, as_at=None):
    """The page from its counts and `totals` ("everyone", "shown", "overdue", "chase": how many people are in the
    teams, on the page and in each list) and the listed people's `lines` and `chase`. A requirement's people not
    counted in a state are those it does not apply to."""
    for count in counts.values():
        count[status.NOT_REQUIRED] = totals["everyone"] - sum(count.values())
    matrix = TeamMatrix.of(scope, requirements, all_requirements, counts, figures, lines, chase, as_at)
    matrix.people_count, matrix.chase_count = totals["shown"], totals["chase"]
    matrix.overdue_count, matrix.due_soon_count = totals["overdue"], totals["chase"] - totals["overdue"]
    return matrix
