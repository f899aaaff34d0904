"""Employee numbers, post numbers and team codes kept as a text formula (="00012399"), as the imports read a cell
before d3bb267, are read as Excel shows them (00012399), as the imports read a cell now: until then the same file no
longer matched them (the roster refused the row as another employee's, a completions file skipped the person, an
organisation file added the team again, the API matched nobody).

A record whose value as read another record already holds (or another such record reads the same) is left as it is,
neither merged nor guessed: `manage.py text_formula_records` and every roster dry run list it. Each change adds a
history row dated now (IdentityChange, TeamChange), so a report about an earlier day still names the old value on
either clock; no ledger, audit or history row is changed. Undoing it does nothing: putting the formulas back would
bring the fault back.

Written in bulk (1,000 rows a statement, fewer where SQLite's limit of 999 variables needs it), not a few queries a
person, whose rows stay locked until the migration ends: 10,000 people so numbered, each with their post, took 13 s
on PostgreSQL and 11 s on SQLite (measured on a shared test machine)."""

import re

from django.db import migrations
from django.utils import timezone

# How portal.lib.csvfiles reads a cell (TEXT_FORMULA, cell_value), copied: a migration must read as the imports did
# when it was written, whatever that code becomes.
TEXT_FORMULA = re.compile(r'="((?:[^"]|"")*)"')
STEPLEN = 4  # treebeard's MP_Node.steplen, which Team keeps
VALUES_A_QUERY = 500  # values in one IN (...), under SQLite's 999 variables
ROWS_A_STATEMENT = 1000


def as_read(text: str) -> str:
    text = text.strip()
    if text.startswith('="'):
        formula = TEXT_FORMULA.fullmatch(text)
        if formula:
            return formula[1].replace('""', '"').strip()
    return text


def _slices(values):
    values = list(values)
    for start in range(0, len(values), VALUES_A_QUERY):
        yield values[start : start + VALUES_A_QUERY]


def _wrapped(rows):
    """Of (pk, value, ...) rows, {pk: (value, as read, ...)} for those read otherwise, as something (not empty)."""
    return {pk: (value, as_read(value), *rest) for pk, value, *rest in rows if as_read(value) not in (value, "")}


def unwrap(apps, schema_editor):
    alias = schema_editor.connection.alias
    at = timezone.now()
    _numbers_unwrap(apps, alias, at)
    _codes_unwrap(apps, alias, at, timezone.localdate(at))


def _numbers_unwrap(apps, alias, at) -> None:
    """Employee numbers and post numbers: as the imports match them, exactly, and no number one person's and another
    person's post's (a completion for it could reach either)."""
    StaffMember = apps.get_model("people", "StaffMember")
    Assignment = apps.get_model("people", "Assignment")
    IdentityChange = apps.get_model("people", "IdentityChange")
    people = _wrapped(
        StaffMember.objects.using(alias)
        .filter(employee_number__contains='="')
        .values_list("pk", "employee_number", "first_name", "last_name")
    )
    posts = _wrapped(
        Assignment.objects.using(alias).filter(number__contains='="').values_list("pk", "number", "staff_id")
    )
    if not people and not posts:
        return
    # Who would hold each number: (kind, row, person) for its holders now and for each record read as it
    claims: dict[str, list[tuple[str, int, int]]] = {}
    for pk, (_, number, *_names) in people.items():
        claims.setdefault(number, []).append(("person", pk, pk))
    for pk, (_, number, staff_id) in posts.items():
        claims.setdefault(number, []).append(("post", pk, staff_id))
    for numbers in _slices(claims):
        for pk, number in (
            StaffMember.objects.using(alias).filter(employee_number__in=numbers).values_list("pk", "employee_number")
        ):
            claims[number].append(("person", pk, pk))
        for pk, number, staff_id in (
            Assignment.objects.using(alias).filter(number__in=numbers).values_list("pk", "number", "staff_id")
        ):
            claims[number].append(("post", pk, staff_id))

    def free(kind, pk, staff_id, number) -> bool:
        # The same number is another person's own, or another post's, or a post of someone else's
        return not any(
            (other_kind, other) != (kind, pk) and (other_kind == kind or other_staff != staff_id)
            for other_kind, other, other_staff in claims[number]
        )

    renumbered = {pk: row for pk, row in people.items() if free("person", pk, pk, row[1])}
    moved = {pk: row for pk, row in posts.items() if free("post", pk, row[2], row[1])}
    StaffMember.objects.using(alias).bulk_update(
        [StaffMember(pk=pk, employee_number=number) for pk, (_, number, *_names) in renumbered.items()],
        ["employee_number"],
        batch_size=ROWS_A_STATEMENT,
    )
    Assignment.objects.using(alias).bulk_update(
        [Assignment(pk=pk, number=number) for pk, (_, number, _) in moved.items()],
        ["number"],
        batch_size=ROWS_A_STATEMENT,
    )
    # Who someone was before: their last row says it, or, for someone with none, a first row as people 0008 made
    known = set()
    for pks in _slices(renumbered):
        known.update(IdentityChange.objects.using(alias).filter(staff_id__in=pks).values_list("staff_id", flat=True))
    rows = [
        IdentityChange(staff_id=pk, recorded_at=None, employee_number=old, first_name=first, last_name=last)
        for pk, (old, _, first, last) in renumbered.items()
        if pk not in known
    ]
    rows += [
        IdentityChange(staff_id=pk, recorded_at=at, employee_number=number, first_name=first, last_name=last)
        for pk, (_, number, first, last) in renumbered.items()
    ]
    IdentityChange.objects.using(alias).bulk_create(rows, batch_size=ROWS_A_STATEMENT)


def _codes_unwrap(apps, alias, at, today) -> None:
    """Team codes: as the imports match them, in Python's lower case (the same on either database, İ included)."""
    Team = apps.get_model("people", "Team")
    TeamChange = apps.get_model("people", "TeamChange")
    if not Team.objects.using(alias).filter(code__contains='="').exists():
        return
    teams = {
        pk: (code, path, name, kind, closed_on)
        for pk, code, path, name, kind, closed_on in Team.objects.using(alias).values_list(
            "pk", "code", "path", "name", "kind", "closed_on"
        )
    }
    wrapped = _wrapped((pk, code) for pk, (code, *_) in teams.items())
    claims: dict[str, set[int]] = {}
    for pk, (code, *_) in teams.items():
        claims.setdefault(code.lower(), set()).add(pk)
    for pk, (_, code) in wrapped.items():
        claims.setdefault(code.lower(), set()).add(pk)
    recoded = {pk: code for pk, (_, code) in wrapped.items() if claims[code.lower()] == {pk}}
    if not recoded:
        return
    Team.objects.using(alias).bulk_update(
        [Team(pk=pk, code=code) for pk, code in recoded.items()], ["code"], batch_size=ROWS_A_STATEMENT
    )
    by_path = {path: pk for pk, (_, path, *_) in teams.items()}

    def state(pk, code):
        _, path, name, kind, closed_on = teams[pk]
        parent_id = by_path.get(path[:-STEPLEN])
        return {"name": name, "code": code, "kind": kind, "parent_id": parent_id, "closed_on": closed_on}

    # A team with no history yet keeps its state before, effective always (as people 0007 and team_change_record do)
    known = set()
    for pks in _slices(recoded):
        known.update(TeamChange.objects.using(alias).filter(team_id__in=pks).values_list("team_id", flat=True))
    first = [
        TeamChange(team_id=pk, recorded_at=at, effective_on=None, **state(pk, teams[pk][0]))
        for pk in recoded
        if pk not in known
    ]
    TeamChange.objects.using(alias).bulk_create(first, batch_size=ROWS_A_STATEMENT)
    TeamChange.objects.using(alias).bulk_create(
        [TeamChange(team_id=pk, recorded_at=at, effective_on=today, **state(pk, code)) for pk, code in recoded.items()],
        batch_size=ROWS_A_STATEMENT,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_assignment_team_and_dates"),
    ]

    operations = [
        migrations.RunPython(unwrap, migrations.RunPython.noop),
    ]
