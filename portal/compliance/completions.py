"""Importing completions from the national e-learning records (ESR "Compliance and Competency" shape).

A person is named by an assignment or employee number, either in its own column or in a cell like
"A01|Surname, Forename". Each competence name (e.g. "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|") is mapped to
a requirement once by HR; rows whose competence has no mapping are listed as skipped, not rejected. The same completion
(person, requirement, date) imported twice, from any file, is one fact.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from portal.lib import uploads
from portal.lib.csvfiles import CsvFileError, parse_date, read_rows
from portal.people.models import Assignment, StaffMember

from . import ledger, projection
from .models import CompetenceMapping, CompletionBatch, EvidenceEntry

ALIASES = {
    **dict.fromkeys(["person", "employee", "personname", "employeename", "assignmentperson"], "person"),
    **dict.fromkeys(["employeenumber", "personnumber", "staffnumber"], "employee_number"),
    **dict.fromkeys(["assignmentnumber", "assignmentno", "assignment"], "assignment_number"),
    **dict.fromkeys(
        ["competencename", "competence", "competency", "competencyname", "course", "coursename"], "competence"
    ),
    **dict.fromkeys(["achievementdate", "completiondate", "dateachieved", "completed", "datecompleted"], "completed"),
    **dict.fromkeys(["expirydate", "renewaldate", "expiry", "expires", "validuntil"], "expiry"),
}
REQUIRED = {"competence", "completed"}
LABELS = {"competence": "Competence Name", "completed": "Achievement Date"}
NO_EXPIRY = {"", "no expiry", "n/a", "none", "never"}


@dataclass
class CompletionRow:
    line: int
    staff_id: int
    requirement_id: int
    completed_on: datetime.date
    expires_on: datetime.date | None

    @property
    def key(self) -> str:
        return f"import:{self.staff_id}:{self.requirement_id}:{self.completed_on.isoformat()}"


@dataclass
class CompletionPlan:
    to_record: list[CompletionRow] = field(default_factory=list)
    already: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rows: int = 0
    sha256: str = ""

    @property
    def can_apply(self) -> bool:
        return not self.rejected and not self.problems

    @property
    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "to_record": len(self.to_record),
            "already_recorded": self.already,
            "skipped_unmapped": sum(self.skipped.values()),
            "rejected": len(self.rejected),
        }


def _person_number(raw: dict) -> str:
    if raw.get("assignment_number"):
        return raw["assignment_number"]
    if raw.get("employee_number"):
        return raw["employee_number"]
    return raw.get("person", "").split("|", 1)[0].strip()


def plan_completions(data: bytes) -> CompletionPlan:
    plan = CompletionPlan(sha256=hashlib.sha256(data).hexdigest())
    try:
        records = list(read_rows(data, ALIASES, REQUIRED, LABELS))
    except CsvFileError as error:
        plan.problems.append(str(error))
        return plan
    if records and not ({"person", "employee_number", "assignment_number"} & records[0][1].keys()):
        plan.problems.append("The file has no column naming the person (Person, Employee Number or Assignment Number).")
        return plan
    plan.rows = len(records)
    mappings = dict(CompetenceMapping.objects.values_list("competence_name", "requirement_id"))
    numbers = {_person_number(raw) for _, raw in records}
    people = dict(Assignment.objects.filter(number__in=numbers).values_list("number", "staff_id"))
    for number, staff_id in StaffMember.objects.filter(employee_number__in=numbers).values_list(
        "employee_number", "pk"
    ):
        people.setdefault(number, staff_id)
    today = timezone.localdate()
    seen = set()
    for line, raw in records:
        number = _person_number(raw)
        if not number:
            plan.rejected.append((line, "No assignment or employee number for the person"))
            continue
        staff_id = people.get(number)
        if staff_id is None:
            plan.rejected.append((line, f"Person '{number}' is not on the roster"))
            continue
        try:
            completed = parse_date(raw["completed"])
        except ValueError as error:
            plan.rejected.append((line, f"Completion Date {error}"))
            continue
        if completed > today:
            plan.rejected.append((line, f"Completion Date {completed:%d/%m/%Y} is in the future"))
            continue
        expiry_text = raw.get("expiry", "").strip()
        expires = None
        if expiry_text.lower() not in NO_EXPIRY:
            try:
                expires = parse_date(expiry_text)
            except ValueError as error:
                plan.rejected.append((line, f"Expiry Date {error}"))
                continue
            if expires < completed:
                plan.rejected.append((line, "Expiry Date is before the Completion Date"))
                continue
        competence = raw["competence"]
        requirement_id = mappings.get(competence)
        if requirement_id is None:
            plan.skipped[competence] = plan.skipped.get(competence, 0) + 1
            continue
        row = CompletionRow(line, staff_id, requirement_id, completed, expires)
        if row.key in seen:
            plan.already += 1
            continue
        seen.add(row.key)
        plan.to_record.append(row)
    existing = set()
    for chunk in _chunks([r.key for r in plan.to_record]):
        existing.update(
            EvidenceEntry.objects.filter(idempotency_key__in=chunk).values_list("idempotency_key", flat=True)
        )
    plan.already += sum(1 for r in plan.to_record if r.key in existing)
    plan.to_record = [r for r in plan.to_record if r.key not in existing]
    return plan


def _chunks(items: list, size: int = 5000):
    """IN lists in slices: SQLite refuses statements with too many parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def completion_batch_create(*, data: bytes, filename: str, user) -> tuple[CompletionBatch, CompletionPlan]:
    plan = plan_completions(data)
    batch = CompletionBatch.objects.create(
        filename=filename[:255], sha256=plan.sha256, uploaded_by=user, row_count=plan.rows, summary=plan.summary
    )
    uploads.keep("completions", batch, data)
    return batch, plan


def completion_batch_plan(batch: CompletionBatch) -> CompletionPlan:
    return plan_completions(uploads.load("completions", batch))


def completion_batch_apply(*, batch: CompletionBatch, user) -> CompletionPlan:
    """Record every completion in one transaction, chained into the ledger under one lock, then refresh the
    projection once for the people affected."""
    if batch.applied_at:
        raise ValueError("This file has already been applied.")
    plan = completion_batch_plan(batch)
    if not plan.can_apply:
        raise ValueError("This file has rejected rows; fix them and upload it again.")
    noon = datetime.time(12)
    with transaction.atomic():
        ledger.append_many(
            [
                {
                    "idempotency_key": row.key,
                    "staff_id": row.staff_id,
                    "requirement_id": row.requirement_id,
                    "source": EvidenceEntry.IMPORT,
                    "source_ref": f"import batch {batch.pk} line {row.line}",
                    "completed_at": timezone.make_aware(datetime.datetime.combine(row.completed_on, noon)),
                    "expires_on": row.expires_on,
                    "recorded_by": user,
                }
                for row in plan.to_record
            ]
        )
        projection.refresh(staff_ids={row.staff_id for row in plan.to_record})
        batch.applied_at = timezone.now()
        batch.summary = plan.summary
        batch.save(update_fields=["applied_at", "summary"])
    return plan
