"""Evidence exports: one row per person and requirement, live from the projection or about a past day on either
clock (`reports.basis`): as it was, from the status table in effective time (`reports.as_it_was`), or as recorded
then, from the ledger as at a moment. Written as CSV or XLSX without ever holding the whole export in memory.

The file says its clock in its name and, in XLSX, in the workbook's properties and a sheet of its own after the rows;
the CSV holds nothing but the header and the rows, so that any program reads its columns.

An export asked for from a filtered page (one requirement, one staff group: `Filters`) holds just those rows, on
every clock, and says so: in its name, on the workbook's sheet about it, and in a CSV's first line ("Filtered to",
then each filter), above the header. An export of everything has no such line."""

import csv
import datetime
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from portal.compliance import status
from portal.compliance.asat import STREAM_CHUNK, Moment, statuses_as_at, tree_as_at
from portal.compliance.models import EvidenceEntry, Requirement, RequirementStatus
from portal.compliance.requirement_history import requirements_as_at, requirements_in_force_on, with_history_marks
from portal.lib.formula_text import FORMULA_FIRST, neutralise
from portal.people.history import identities_before
from portal.people.models import StaffMember, Team, in_post_q

from . import basis as clocks
from .as_it_was import RunOnDay, people_known, table_on

HEADER = (
    "Employee number",
    "Name",
    "Team",
    "Staff group",
    "Employment type",
    "Requirement",
    "Status",
    "Completed on",
    "Expires on",
    "Due on",
    "Source",
    "Source reference",
    "Policy version attested",
    "Policy text SHA-256",
    "Ledger entry",
)

SHEET_TITLE_REFUSES = re.compile(r"[/\\?*\[\]:]")
EMPLOYMENT = dict(StaffMember.EMPLOYMENT_CHOICES)


@dataclass(frozen=True)
class Filters:
    """What an export or a pack is narrowed to, as the page it was asked from was: one requirement, one staff group
    (the group the person was in on the day read). Empty: everything."""

    requirement: Requirement | None = None
    staff_group: str = ""

    def __bool__(self) -> bool:
        return self.requirement is not None or bool(self.staff_group)

    def words(self) -> list[tuple[str, str]]:
        """(label, value) for each filter, as the file and the pack say them."""
        words = [("Requirement", self.requirement.name)] if self.requirement is not None else []
        return words + ([("Staff group", self.staff_group)] if self.staff_group else [])

    def named_on(self, day: datetime.date, cutoff: datetime.datetime | None) -> "Filters":
        """The filters as a file about `day` names them (`words`): the requirement by its name that day, from its
        history as recorded before `cutoff` (None: everything known now, as it was), so that a file about a day before
        a rename says the name it had, and a pack's CSV twin rebuilt after one comes out the same. Itself when no
        requirement is asked for, or when its history says nothing of the day. No query when the requirement was read
        through `with_history_marks` and not changed since, one otherwise, one more when it was."""
        if self.requirement is None:
            return self
        marked = self.requirement
        if not hasattr(marked, "history_last"):  # a pack's, read through its foreign key
            marked = with_history_marks(Requirement.objects.filter(pk=marked.pk)).first()
        then = requirements_as_at([marked], day, cutoff) if marked is not None else []
        return replace(self, requirement=then[0]) if then else self

    def requirements_on(self, moment: Moment):
        """The requirement asked for, if it was in force on `moment.day` as recorded by `moment.cutoff`, with its terms
        then (`requirement_history`, as the organisation report narrows them): retired since, it is still there;
        introduced since, there is none. None (every requirement in force) when no requirement is asked for."""
        if self.requirement is None:
            return None
        among = Requirement.objects.filter(pk=self.requirement.pk)
        return requirements_in_force_on(moment.day, cutoff=moment.cutoff, among=among)


EVERYTHING = Filters()


class ExportRow(NamedTuple):
    employee_number: str
    name: str
    team: str
    staff_group: str
    employment_type: str
    requirement: str
    status: str
    completed_on: datetime.date | None
    expires_on: datetime.date | None
    due_on: datetime.date | None
    source: str
    source_ref: str
    policy_version: str
    policy_hash: str
    ledger_entry: int | None


def status_meanings(due_soon_days: int) -> list[tuple[str, str]]:
    """(status, what it means) for each word the Status column can hold, as a workbook's sheet about it and a pack's
    cover say them: the rows alone do not say that a paused row's due date is the one the pause leaves, nor what
    "Due soon" counts."""
    return [
        ("Compliant", "Holds a completion still in date."),
        (
            "Due soon",
            f"Due (or its completion expires) within {due_soon_days} days, or a re-attestation round has asked for it "
            "again: a completion still in date counts as compliant until it expires.",
        ),
        ("Overdue", "The due date (or the expiry) has passed with no completion in date."),
        ("Not started", f"Never done, and not due for more than {due_soon_days} days."),
        (
            "Paused until",
            "HR has stopped the person's clock until that day (“Paused”: no return date yet); left out of the "
            "figures. Its due date is the one the pause leaves: after the pause, moved on by the paused days; before "
            "it, already passed when the pause began (overdue again when the pause ends); none until the pause has "
            "an end date.",
        ),
    ]


def export_row(
    facts, team, requirement, row, day: datetime.date, evidence: EvidenceEntry | None, who=None
) -> ExportRow:
    """A row as recorded then: `facts` is the person's roster row as last recorded by the moment (a `StaffChange`,
    with its `staff`), so their staff group and employment type are the ones the roster gave then, as their team is
    the tree's then; their number and name are `who`'s (the `IdentityChange` of someone renamed since:
    `people.history.identities_before`), else who they are."""
    staff = who or facts.staff
    snapshot = evidence.snapshot if evidence else None
    return ExportRow(
        staff.employee_number,
        staff.full_name,
        team.name if team else "",
        facts.staff_group,
        EMPLOYMENT.get(facts.employment_type, facts.employment_type),
        requirement.name,
        status.label(row.state(day), row.paused_until),
        row.completed_on,
        row.expires_on,
        row.due_on,
        evidence.get_source_display() if evidence else "",
        evidence.source_ref if evidence else "",
        snapshot.version_label if snapshot else "",
        snapshot.content_hash if snapshot else "",
        evidence.seq if evidence else None,
    )


def export_rows(
    teams: Iterable[Team],
    moment: Moment | None = None,
    *,
    basis: str = clocks.AS_RECORDED,
    filters: Filters = EVERYTHING,
) -> Iterator[ExportRow]:
    """Every (person, requirement) row in `teams` and below, narrowed by `filters`: live from the projection when
    `moment` is None; else about `moment.day` on the clock `basis`: as recorded then, from the ledger as at `moment`;
    as it was, from the status table in effective time (everything known now: `moment.cutoff` is not read). About a
    past day, "`teams` and below" and each row's team name are the tree's as it stood that day, on the same clock
    (`people.team_history`). Ordered by person then requirement; streamed in chunks."""
    teams = list(teams)
    if moment is not None and basis == clocks.AS_IT_WAS:
        for person, lines in table_on(teams, moment.day, filters.requirement, filters.staff_group):
            for line in lines:
                yield run_row(person.employee_number, person.full_name, person.employment_type, person.team_name, line)
        return
    if moment is not None:
        requirements = filters.requirements_on(moment)
        tree = tree_as_at(moment)
        named = identities_before(moment.cutoff)
        for facts, rows in statuses_as_at(
            moment, teams=teams, staff_group=filters.staff_group, requirements=requirements, tree=tree
        ):
            team = tree.team(facts.team_id) if facts.team_id in tree else None
            who = named.get(facts.staff_id)
            for row in rows:
                yield export_row(facts, team, row.requirement, row, moment.day, row.evidence, who)
        return
    yield from _live_rows(teams, timezone.localdate(), filters)


def export_rows_known(teams: Iterable[Team], moment: Moment, filters: Filters = EVERYTHING) -> Iterator[ExportRow]:
    """The rows as it was on `moment.day` from the facts recorded before `moment.cutoff` alone
    (`as_it_was.people_known`): an evidence pack's CSV twin as it was, which can be made again later at the same
    cut-off and come out the same. With a cut-off after the newest fact, the same rows as `export_rows` as it was;
    but each person is named as they were known at the cut-off (`people.history.identities_before`), with the
    employment type the roster had recorded for them by then (`as_it_was.people_known`)."""
    named = identities_before(moment.cutoff)
    for staff, team, lines in people_known(teams, moment, filters.requirement, filters.staff_group):
        who = named.get(staff.pk, staff)
        for line in lines:
            yield run_row(who.employee_number, who.full_name, staff.employment_known, team.name, line)


def run_row(number: str, name: str, employment: str, team_name: str, line: RunOnDay) -> ExportRow:
    """A row as it was: the team and staff group the person was in that day, the state the run held."""
    evidence = line.evidence
    snapshot = evidence.snapshot if evidence else None
    return ExportRow(
        number,
        name,
        team_name,
        line.staff_group,
        EMPLOYMENT.get(employment, employment),
        line.requirement.name,
        line.label,
        line.completed_on,
        line.expires_on,
        line.due_on,
        evidence.get_source_display() if evidence else "",
        evidence.source_ref if evidence else "",
        snapshot.version_label if snapshot else "",
        snapshot.content_hash if snapshot else "",
        evidence.seq if evidence else None,
    )


SOURCES = dict(EvidenceEntry.SOURCE_CHOICES)
LIVE_FIELDS = (
    "staff__employee_number",
    "staff__first_name",
    "staff__last_name",
    "staff__team__name",
    "staff__staff_group",
    "staff__employment_type",
    "requirement__name",
    "completed_on",
    "expires_on",
    "due_on",
    "evidence__source",
    "evidence__source_ref",
    "evidence__snapshot__version_label",
    "evidence__snapshot__content_hash",
    "evidence__seq",
    "paused_from",
    "paused_until",
    "renew_from",
)


def _live_rows(teams: list[Team], today: datetime.date, filters: Filters = EVERYTHING) -> Iterator[ExportRow]:
    """From the projection, as plain values: one query, read in chunks (tens of thousands of rows a second)."""
    in_scope = Q(pk__in=[])
    for team in teams:
        in_scope |= Q(staff__team__path__startswith=team.path)
    rows = RequirementStatus.objects.filter(in_scope, in_post_q(today, "staff__"), requirement__active=True)
    if filters.requirement is not None:
        rows = rows.filter(requirement_id=filters.requirement.pk)
    if filters.staff_group:
        rows = rows.filter(staff__staff_group=filters.staff_group)
    rows = rows.order_by("staff_id", "requirement__name").values_list(*LIVE_FIELDS)
    window = getattr(settings, "PORTAL_DUE_SOON_DAYS", 30)
    employment = EMPLOYMENT
    for (
        number,
        first,
        last,
        team,
        group,
        kind,
        name,
        done,
        expires,
        due,
        source,
        ref,
        version,
        digest,
        seq,
        paused_from,
        paused_until,
        renew_from,
    ) in rows.iterator(chunk_size=STREAM_CHUNK):
        standing = status.Standing(True, done, expires, due, paused_from, paused_until, renew_from)
        state = status.state_on(today, standing, window)
        yield ExportRow(
            number,
            f"{first} {last}".strip(),
            team or "",
            group,
            employment.get(kind, kind),
            name,
            status.label(state, paused_until),
            done,
            expires,
            due,
            SOURCES.get(source, "") if source else "",
            ref or "",
            version or "",
            digest or "",
            seq,
        )


def cells(row: ExportRow) -> list:
    return [neutralise("" if value is None else value) for value in row]


class _Line:
    """A file-like object that hands back what csv.writer writes, one line at a time."""

    def write(self, value):
        return value


def csv_header(filters: Filters = EVERYTHING) -> str:
    """The first line: a byte order mark, so that Excel reads the file as UTF-8, then the column names; for a
    filtered export, a line naming the filters comes first, so the file itself says it does not hold everything."""
    writer = csv.writer(_Line())
    heading = writer.writerow(["Filtered to", *(f"{label}: {value}" for label, value in filters.words())])
    return "\ufeff" + (heading if filters else "") + writer.writerow(HEADER)


def csv_line(row: ExportRow) -> str:
    return csv.writer(_Line()).writerow(cells(row))


def csv_lines(rows: Iterable[ExportRow], batch: int = 500, filters: Filters = EVERYTHING) -> Iterator[str]:
    """The CSV, a few hundred lines at a time (each piece a response sends has a cost of its own)."""
    writer = csv.writer(_Line())
    lines = [csv_header(filters)]
    for row in rows:
        lines.append(writer.writerow(cells(row)))
        if len(lines) >= batch:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def sheet_title(title: str) -> str:
    """A team's name as a worksheet's name: Excel refuses / \\ ? * [ ] : and more than 31 characters, and a name
    that starts or ends with an apostrophe."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    title = ILLEGAL_CHARACTERS_RE.sub("", SHEET_TITLE_REFUSES.sub("-", title))[:31].strip("' ")
    return title or "Compliance"


def _printable(value):
    """Control characters cannot be stored in a worksheet cell: each becomes U+FFFD, so the cell shows one was there."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value.__class__ is not str or value.isprintable():  # nearly every cell: no regular expression run
        return value
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def _xlsx_cell(sheet, value):
    """A worksheet cell: text that starts like a formula is stored as text, so the spreadsheet shows it exactly as it
    is (the apostrophe `neutralise` puts in CSV would show in XLSX as a character of the name) and never runs it."""
    value = _printable(value)
    if value.__class__ is not str or value[:1] not in FORMULA_FIRST:
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def xlsx_file(rows: Iterable[ExportRow], title: str, about: list[tuple[str, str]] = (), meanings=(), creator=""):
    """The rows as an XLSX workbook in a temporary file (write-only mode keeps memory flat). `about` (label, words)
    says what the rows are (the day, the clock): in the workbook's properties, and on a sheet of its own after the
    rows, so the first sheet holds nothing but the columns; `meanings` (`status_meanings`), what their words mean,
    on that sheet after them; `creator`, who made it, as its properties' author (else openpyxl names itself).
    Returns the open file, positioned at its start."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    if creator:
        workbook.properties.creator = _printable(creator)[:255]
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.append(HEADER)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, "" if value is None else value) for value in row])
    if about:
        _printed_saying(sheet, dict(about))
        workbook.properties.title = f"Compliance: {title}"[:255]
        workbook.properties.description = "\n".join(f"{label}: {words}" for label, words in about)[:1000]
        notes = workbook.create_sheet(title="About this export")
        for label, words in [*about, *meanings]:  # what the words in the rows mean: on the sheet alone
            notes.append([_xlsx_cell(notes, label), _xlsx_cell(notes, words)])
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(output)
    output.seek(0)
    return output


# Excel refuses a page header or footer of more than 255 characters, its three parts and their codes together,
# counted as Excel keeps text, in UTF-16: a character beyond the Basic Multilingual Plane (an emoji) is two.
PRINTED_ROOM = {"header": (70, 100, 70), "footer": (110, 90)}


def _printed_saying(sheet, about: dict[str, str]) -> None:
    """On every printed page of the rows, what the sheet about them says (`about`, by label): whose they are, the
    teams, the day and clock at the top; who made it and when, the filters and the page number at the foot; and the
    columns' names again on each page. A page printed alone and handed to an inspector says what it is."""
    left, centre, right = PRINTED_ROOM["header"]
    sheet.oddHeader.left.text = _printed(about["Organisation"], left)
    sheet.oddHeader.center.text = _printed(f"Compliance: {about['Teams']}", centre)
    clock = f", {about['Basis'].lower()}" if "Basis" in about else ""
    sheet.oddHeader.right.text = _printed(f"As at: {about['As at']}{clock}", right)
    left, centre = PRINTED_ROOM["footer"]
    made_by = f" by {about['Made by']}" if "Made by" in about else ""
    sheet.oddFooter.left.text = _printed(f"Made {about['Made']}{made_by}", left)
    filters = [f"{label}: {words}" for label, words in about.items() if label.startswith("Only ")]
    sheet.oddFooter.center.text = _printed("; ".join(filters) or "No filters", centre)
    sheet.oddFooter.right.text = "Page &P of &N"
    sheet.print_title_rows = "1:1"


def _printed(text: str, room: int) -> str:
    """`text` as a part of a printed header or footer: each "&" doubled (one alone starts a code: "&D" prints the
    date), cut to `room` UTF-16 characters with an ellipsis."""
    text = _printable(text).replace("&", "&&")
    if _utf16_length(text) <= room:
        return text
    cut = text[: room - 1]
    while _utf16_length(cut) > room - 1:
        cut = cut[:-1]
    if (len(cut) - len(cut.rstrip("&"))) % 2:  # half of a doubled "&": not a code of its own
        cut = cut[:-1]
    return cut + "\u2026"


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)
