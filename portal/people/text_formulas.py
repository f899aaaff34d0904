"""Records no file can match: an employee number, post number or team code kept as a text formula (="E5"), as the
imports read a cell before d3bb267, that a file now reads (`csvfiles.cell_value`) as a value another record holds
(E5). Migration people 0010 read the rest as a file does; these it left as they are, since which of the two a file
means is HR's to say. Every roster dry run lists them, and `manage.py text_formula_records` after each `migrate`."""

from portal.lib.csvfiles import cell_value

from .models import IMPLICIT, Assignment, StaffMember, Team

FORMULA = '="'
HEADING = "Records no file can match"
VALUES_A_QUERY = 500  # values in one IN (...), under SQLite's 999 variables


def _wrapped(rows):
    """Of (pk, value, ...) rows, (pk, value, as read, ...) for those a file reads otherwise, as something."""
    return [(pk, value, cell_value(value), *rest) for pk, value, *rest in rows if cell_value(value) not in (value, "")]


def _slices(values):
    values = sorted(values)
    for start in range(0, len(values), VALUES_A_QUERY):
        yield values[start : start + VALUES_A_QUERY]


def text_formula_records() -> list[str]:
    """Each record no file can match, in words naming the record that holds what a file reads its value as, in order.
    Three queries (people, posts and teams whose value holds '="') when there are none. With people or posts, three
    more (the people and posts holding those values, and their names; a few more past 500 of them); with teams, one
    (every team: codes are compared in lower case, in Python, as the imports compare them)."""
    people = _wrapped(
        StaffMember.objects.filter(employee_number__contains=FORMULA).values_list("pk", "employee_number", "pk")
    )
    # A post numbered like its holder (`models.IMPLICIT`) follows them: their own number says it
    posts = _wrapped(
        Assignment.objects.filter(number__contains=FORMULA).exclude(IMPLICIT).values_list("pk", "number", "staff_id")
    )
    teams = _wrapped(Team.objects.filter(code__contains=FORMULA).values_list("pk", "code"))
    return sorted(_numbers_held(people, posts) + _codes_held(teams))


def _first(others: list[tuple], reading: str, fold=str) -> tuple:
    """The record to name of those holding or reading as `reading` (compared as `fold` makes them): one holding it,
    before one reading so too; of several, the first by value held."""
    return min(others, key=lambda claim: (fold(claim[-1]) != fold(reading), claim[-1], claim[0]))


def _numbers_held(people: list[tuple], posts: list[tuple]) -> list[str]:
    """As the imports match numbers, exactly: one person's number may be no one else's, nor a post of anyone else."""
    if not people and not posts:
        return []
    # Who holds or reads as each number: (kind, pk, holder's pk, the number as held)
    claims: dict[str, list[tuple[str, int, int, str]]] = {}
    for kind, rows in (("person", people), ("post", posts)):
        for pk, value, number, staff_id in rows:
            claims.setdefault(number, []).append((kind, pk, staff_id, value))
    for numbers in _slices(claims):
        for pk, number in StaffMember.objects.filter(employee_number__in=numbers).values_list("pk", "employee_number"):
            claims[number].append(("person", pk, pk, number))
        for pk, number, staff_id in Assignment.objects.filter(number__in=numbers).values_list("pk", "number", "staff"):
            claims[number].append(("post", pk, staff_id, number))
    named = {}
    for pks in _slices({claim[2] for claimed in claims.values() for claim in claimed}):
        for pk, first, last, number in StaffMember.objects.filter(pk__in=pks).values_list(
            "pk", "first_name", "last_name", "employee_number"
        ):
            named[pk] = (f"{first} {last}".strip(), number)
    found = []
    for kind, rows in (("person", people), ("post", posts)):
        for pk, value, number, staff_id in rows:
            # Another person's number, or another post's; a person's own post may be numbered like them
            others = [c for c in claims[number] if c[:2] != (kind, pk) and (c[0] == kind or c[2] != staff_id)]
            if not others:
                continue
            other_kind, _, holder, held = _first(others, number)
            name, own = named[staff_id]
            record = f"Employee number {value} of {name}"
            if kind == "post":
                record = f"Assignment number {value} of {name} (employee {own})"
            other = _whose(other_kind, "" if held == number else held, *named[holder])
            found.append(_reads(record, number, other, held=held == number))
    return found


def _whose(kind: str, value: str, name: str, number: str) -> str:
    if kind == "person":
        return f"the employee number {value} of {name}".replace("  ", " ")
    return f"an assignment number {value} of {name} (employee {number})".replace("  ", " ")


def _reads(record: str, reading: str, other: str, held: bool = True) -> str:
    return f"{record} reads as {reading} in a file, " + (f"which is {other}" if held else f"as {other} does")


def _codes_held(teams: list[tuple]) -> list[str]:
    """As the imports match codes: in Python's lower case, whichever database (İX is not ix)."""
    if not teams:
        return []
    claims: dict[str, list[tuple[int, str, str]]] = {}
    names = {}
    for pk, code, name in Team.objects.values_list("pk", "code", "name"):
        claims.setdefault(code.lower(), []).append((pk, name, code))
        names[pk] = name
    for pk, value, code in teams:
        claims.setdefault(code.lower(), []).append((pk, names[pk], value))
    found = []
    for pk, value, code in teams:
        others = [claim for claim in claims[code.lower()] if claim[0] != pk]
        if others:
            _, holder, held = _first(others, code, str.lower)
            record = f"Team code {value} of {names[pk]}"
            if held.lower() == code.lower():
                found.append(_reads(record, code, f"the code of {holder} ({held})"))
            else:
                found.append(_reads(record, code, f"the code {held} of {holder}", held=False))
    return found
