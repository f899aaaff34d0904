"""The lists HR acts on (`reports.lists`), each whole as a CSV file. The page shows the first LIST_LIMIT of each; at
a trust's scale HR chasing the people who have never signed in needs all of them, in a file they can mail-merge."""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from .exports import csv_line
from .lists import never_signed_in, new_starters_past_window, overdue_by_team

PERSON = ("Employee number", "Name", "Work email", "Team", "Started")


@dataclass(frozen=True)
class ListFile:
    title: str  # as the page's heading names the list; the audit log says it too
    header: tuple[str, ...]
    rows: Callable[[datetime.date], QuerySet]
    cells: Callable[[object], tuple]


def _person(person) -> tuple:
    return (
        person.employee_number,
        person.full_name,
        person.work_email,
        person.team.name if person.team else "No team",
        person.start_date,
    )


def _team(row: dict) -> tuple:
    return (row["staff__team__code"] or "", row["staff__team__name"] or "No team", row["people"], row["items"])


# The name in the file's address -> the list. The certificates waiting have a page of their own (`certificates:queue`).
LIST_FILES = {
    "overdue-by-team": ListFile(
        "Overdue, by team", ("Team code", "Team", "People overdue", "Requirements overdue"), overdue_by_team, _team
    ),
    "never-signed-in": ListFile("People who have never signed in", PERSON, never_signed_in, _person),
    "new-starters": ListFile(
        "New starters past their window",
        (*PERSON, "Not done"),
        new_starters_past_window,
        lambda person: (*_person(person), person.missed),
    ),
}


def list_lines(list_file: ListFile, today: datetime.date, batch: int = 500) -> Iterator[str]:
    """The file, a few hundred lines at a time: a byte order mark (so Excel reads it as UTF-8), the header, then
    every row of the list as the page orders it. One query, read in chunks, however long the list."""
    lines = ["\ufeff" + csv_line(list_file.header)]
    for row in list_file.rows(today).iterator(chunk_size=2000):
        lines.append(csv_line(list_file.cells(row)))
        if len(lines) >= batch:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)
