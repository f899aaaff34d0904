"""The team page's list of people who work in a team through a post of theirs there, a bank post or a second
part-time post beside the post their own team comes from (people.Assignment): today only, as no history of posts is
kept yet. They are counted in their own team (every figure, export and pack), so this list counts nothing: it shows
each of them with their standing, as the team's own table does, and links to their page, which the team's managers
may open for them (`scope.person_for_request`)."""

from django.utils import timezone

from portal.compliance import status
from portal.people.roles import staff_list_posted_in

from .team import PERSON_FIELDS, STANDING_FIELDS, Person, TeamMatrix, _matrix, person_urls

# Each person with each of their status rows (one row with nothing, for a person with none), as the team's own table
# reads them (team.PEOPLE_WITH_STANDING)
STANDING_OF_PERSON = [f"statuses__{name}" for name in STANDING_FIELDS]


def also_working(matrix: TeamMatrix, *, requirement=None, state: str = "") -> list:
    """(person, cells) for each person in post who holds a post today in `matrix`'s teams but is not in them, by
    name, judged as the team's own table judges its people and narrowed as it is (`requirement`, `state`). One
    query, whatever their number."""
    today = timezone.localdate()
    url, people, rows = person_urls(), {}, {}
    width = len(STANDING_FIELDS)
    found = (
        staff_list_posted_in(matrix.scope, today)
        .in_post(today)
        .order_by("last_name", "first_name", "pk")
        .values_list(*PERSON_FIELDS, *STANDING_OF_PERSON)
    )
    for row in found:
        person, (requirement_id, *dates) = row[:-width], row[-width:]
        if person[0] not in people:
            people[person[0]] = Person.from_values(*person, url(person[0]))
        if requirement_id is not None:
            rows[person[0], requirement_id] = status.Standing(True, *dates)
    if not people:
        return []
    return _matrix(
        matrix.scope, matrix.all_requirements, list(people.values()), rows, today, requirement=requirement, state=state
    ).people
