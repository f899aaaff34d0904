"""Evidence exports: one row per person and requirement, live from the projection or as at a moment from the
ledger, written as CSV or XLSX without ever holding the whole export in memory."""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass

from django.db.models import Q
from django.utils import timezone

from portal.compliance import status
from portal.compliance.asat import STREAM_CHUNK, Moment, statuses_as_at
from portal.compliance.models import EvidenceEntry, RequirementStatus
from portal.people.models import StaffMember, Team

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

# A spreadsheet treats a cell starting with one of these as a formula: '=HYPERLINK(...)' in a name must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EMPLOYMENT = dict(StaffMember.EMPLOYMENT_CHOICES)


@dataclass(frozen=True)
class ExportRow:
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


def neutralise(value):
    """Text a spreadsheet will show as text: a leading formula character gets an apostrophe before it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_row(staff, team, requirement, row, day: datetime.date, evidence: EvidenceEntry | None) -> ExportRow:
    snapshot = evidence.snapshot if evidence else None
    return ExportRow(
        staff.employee_number,
        staff.full_name,
        team.name if team else "",
        staff.staff_group,
        EMPLOYMENT.get(staff.employment_type, staff.employment_type),
        requirement.name,
        status.LABELS[row.state(day)],
        row.completed_on,
        row.expires_on,
        row.due_on,
        evidence.get_source_display() if evidence else "",
        evidence.source_ref if evidence else "",
        snapshot.version_label if snapshot else "",
        snapshot.content_hash if snapshot else "",
        evidence.seq if evidence else None,
    )


def export_rows(teams: Iterable[Team], moment: Moment | None = None) -> Iterator[ExportRow]:
    """Every (person, requirement) row in `teams` and below: live from the projection when `moment` is None, else
    as at `moment` from the ledger. Ordered by person then requirement; streamed in chunks."""
    teams = list(teams)
    if moment is not None:
        for facts, rows in statuses_as_at(moment, teams=teams):
            for row in rows:
                yield export_row(facts.staff, facts.team, row.requirement, row, moment.day, row.evidence)
        return
    today = timezone.localdate()
    in_scope = Q(pk__in=[])
    for team in teams:
        in_scope |= Q(staff__team__path__startswith=team.path)
    rows = (
        RequirementStatus.objects.filter(in_scope, requirement__active=True)
        .filter(Q(staff__leave_date__isnull=True) | Q(staff__leave_date__gt=today))
        .select_related("staff", "staff__team", "requirement", "evidence", "evidence__snapshot")
        .defer("evidence__snapshot__text", "evidence__snapshot__sections")
        .order_by("staff_id", "requirement__name")
    )
    for row in rows.iterator(chunk_size=STREAM_CHUNK):
        yield export_row(row.staff, row.staff.team, row.requirement, row, today, row.evidence)


def cells(row: ExportRow) -> list:
    return [neutralise("" if value is None else value) for value in astuple(row)]


class _Line:
    """A file-like object that hands back what csv.writer writes, one line at a time."""

    def write(self, value):
        return value


def csv_header() -> str:
    """The first line: a byte order mark, so that Excel reads the file as UTF-8, then the column names."""
    return "\ufeff" + csv.writer(_Line()).writerow(HEADER)


def csv_line(row: ExportRow) -> str:
    return csv.writer(_Line()).writerow(cells(row))


def csv_lines(rows: Iterable[ExportRow]) -> Iterator[str]:
    """The CSV, line by line."""
    writer = csv.writer(_Line())
    yield csv_header()
    for row in rows:
        yield writer.writerow(cells(row))


def xlsx_file(rows: Iterable[ExportRow], title: str):
    """The rows as an XLSX workbook in a temporary file (write-only mode keeps memory flat). Returns the open file,
    positioned at its start."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Compliance")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(cells(row))
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(output)
    output.seek(0)
    return output
