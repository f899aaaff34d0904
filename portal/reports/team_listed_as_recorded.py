"""The team page about a past day as recorded then, as it lists people (`team_listed`'s page on the other clock).

Nothing stores each person's standing as the portal had recorded it by the end of a past day: it is worked out afresh
from the ledger and the roster as recorded by then, person by person, by the projection's rule
(`compliance.asat`). So the counting stays in Python, but on plain values (`asat.standings_as_at`, what the
organisation report and the kept figures read: no model instance for each roster row and ledger entry) and without a
cell for anyone the page does not list: each standing is judged once to count it, and only the people listed are made
into cells, as `team.team_matrix` makes everyone's. The people's names are read in one query more, and who anyone
renamed or renumbered since was then in another."""

import datetime

from portal.compliance import status
from portal.compliance.asat import Moment, roster_as_at, standings_as_at, tree_as_at
from portal.compliance.requirement_history import requirements_in_force_on
from portal.people.history import identities_before
from portal.people.models import Team
from portal.people.team_history import Tree

from .basis import AS_RECORDED
from .selectors import due_soon_days
from .team import Person, TeamMatrix, person_urls
from .team_counted import counted_matrix, judged_lists, tallies, tally

# Each person's name and number now (`people.history.identities_before` gives them as they were for anyone changed
# since), their employment as their roster row then says, and their account.
NAME_FIELDS = ("staff_id", "staff__first_name", "staff__last_name", "staff__employee_number")
NAME_FIELDS += ("employment_type", "staff__user_id")


def team_matrix_as_recorded_listed(
    scope: list[Team],
    moment: Moment,
    *,
    listed: int,
    requirement=None,
    state: str = "",
    tree: Tree | None = None,
) -> TeamMatrix:
    """`team.team_matrix`'s page as recorded by `moment` (`team._team_matrix_as_at`), holding only the first `listed`
    people by name in `people` and the `listed` most overdue in `chase`, with how many each list holds whole."""
    day, window = moment.day, due_soon_days()
    all_requirements = requirements_in_force_on(day, cutoff=moment.cutoff)
    requirements = [r for r in all_requirements if requirement is None or r.pk == requirement.pk]
    shown = {r.pk for r in requirements}
    tree = tree or tree_as_at(moment)
    counts, figures = tallies(requirements)
    owing, rows, everyone = [], {}, 0
    for facts, standings in standings_as_at(moment, teams=scope, requirements=all_requirements, tree=tree):
        everyone += 1
        overdue, due_soon, earliest, found = 0, 0, datetime.date.max, not state
        for held, standing in standings:
            if held.pk not in shown:
                continue
            judged = status.state_on(day, standing, window)
            tally(counts, figures, held.pk, judged, judged != status.PAUSED and standing.valid_on(day), 1)
            rows[facts.staff_id, held.pk] = standing
            if judged == status.OVERDUE or judged == status.DUE_SOON:
                overdue += judged == status.OVERDUE
                due_soon += judged == status.DUE_SOON
                earliest = min(earliest, standing.due_on or datetime.date.max)
            found = found or judged == state
        if found:
            owing.append((facts.staff_id, facts.team_id, overdue, due_soon, earliest))
    url = person_urls(day, AS_RECORDED)
    names = {row[0]: row for row in roster_as_at(moment, teams=scope, tree=tree).values_list(*NAME_FIELDS)}
    for pk, who in identities_before(moment.cutoff).items():  # as recorded then, as the download names them
        if pk in names:
            names[pk] = (pk, who.first_name, who.last_name, who.employee_number, *names[pk][4:])
    people = {pk: Person.from_values(*names[pk], tree.name(team_id), url(pk)) for pk, team_id, *_ in owing}
    by_name = sorted(people.values(), key=_by_name)
    owed = [line for line in owing if line[2] + line[3]]
    owed.sort(key=lambda line: (-line[2], -line[3], line[4], *_by_name(people[line[0]])))
    named, chased = {p.pk for p in by_name[:listed]}, {line[0] for line in owed[:listed]}
    candidates = [(p.pk in named, p.pk in chased, p) for p in by_name if p.pk in named or p.pk in chased]
    lines, chase = judged_lists(candidates, requirements, rows, day, listed)
    totals = {
        "everyone": everyone,
        "shown": len(owing),
        "overdue": sum(line[2] > 0 for line in owing),
        "chase": len(owed),
    }
    matrix = counted_matrix(scope, requirements, all_requirements, counts, figures, totals, lines, chase, as_at=day)
    matrix.basis = AS_RECORDED
    return matrix


def _by_name(person: Person) -> tuple:
    return person.last_name, person.first_name, person.pk
