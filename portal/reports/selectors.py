"""Reads for the staff-facing pages. Reports read the projection and the ledger; they never write evidence."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Left, Length, NullIf, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from portal.compliance import status
from portal.compliance.dates import end_of_local_day, local_day
from portal.compliance.models import (
    Certificate,
    EvidenceEntry,
    ImportBatch,
    Requirement,
    RequirementStatus,
    StatusInterval,
)
from portal.compliance.pauses import paused_due
from portal.compliance.requirement_history import requirements_as_at, with_history_marks
from portal.people.history import employed_on
from portal.people.models import Team
from portal.people.team_history import tree_on

from .learning import LearningProgress, learning_progress_by_page

# Most urgent first: what a person should do next sits at the top of their list.
URGENCY = {status.OVERDUE: 0, status.DUE_SOON: 1, status.NOT_STARTED: 2, status.COMPLIANT: 3, status.PAUSED: 4}


def due_soon_days() -> int:
    return getattr(settings, "PORTAL_DUE_SOON_DAYS", 30)


@dataclass(frozen=True)
class Action:
    text: str
    url: str | None = None  # None: nothing to click, the text says what happens next


@dataclass
class RequirementLine:
    row: RequirementStatus
    state: str
    today: datetime.date
    certificate_pending: bool = False
    certificate_rejected: str = ""  # HR's reason, when the latest certificate uploaded for the course was rejected
    learning: LearningProgress | None = None  # how far they have got in the module it requires, if asked for

    @property
    def requirement(self) -> Requirement:
        return self.row.requirement

    @property
    def in_progress(self) -> bool:
        """Nothing recorded yet, but the module is begun: "In progress", as the module's own page says."""
        return self.state == status.NOT_STARTED and self.learning is not None and self.learning.in_progress

    @property
    def label(self) -> str:
        if self.in_progress:
            return self.learning.status_label
        return status.label(self.state, self.row.paused_until)

    @property
    def colour(self) -> str:
        if self.in_progress:
            return self.learning.status_colour
        return status.TAG_COLOURS[self.state]

    @property
    def when(self) -> tuple[str, datetime.date | None]:
        """('Due by', date), ('Expires', date), ('Expired', date) or ('No expiry', None), for the date column; paused,
        the due date the pause leaves, in words, with no date after them ("Then due by 3 June 2027")."""
        row = self.row
        if self.state == status.PAUSED:
            return (capfirst(paused_due(row.due_on, self.today)), None)
        if row.completed_on is None:
            return ("Due by", row.due_on)
        if row.due_on is None:
            return ("No expiry", None)
        return ("Expired" if row.due_on < self.today else "Expires", row.due_on)

    @property
    def action(self) -> Action | None:
        """What to do next, or None while nothing is due (or the clock is stopped)."""
        if self.state in {status.COMPLIANT, status.PAUSED}:
            return None
        requirement, again = self.requirement, self.row.completed_on is not None
        if requirement.kind == Requirement.ATTEST_POLICY:
            return Action("Read and attest", reverse("attestation:attest", args=[requirement.pk]))
        if requirement.kind == Requirement.COMPLETE_MODULE:
            url = requirement.page.url if requirement.page and requirement.page.live else None
            if not url:
                return Action("The module is not available yet")
            if self.learning is not None and self.learning.in_progress:
                return Action("Continue the module", url)
            return Action("Do the module again" if again else "Start the module", url)
        if self.certificate_pending:
            return Action("HR is checking the certificate you uploaded")
        return Action("Upload your certificate", f"{reverse('certificates:upload')}?requirement={requirement.pk}")


def requirement_lines_for_staff(
    staff, today: datetime.date | None = None, *, learning_for=None
) -> list[RequirementLine]:
    """Every requirement that applies to `staff` (their rows in the projection), most urgent first, as on `today`
    (default: today in London), each external course with what became of the latest certificate uploaded for it
    (waiting for HR, or rejected and why). Two queries; given `learning_for` (the person's user), five more when a
    module is among them, for how far they have got in each module (see `learning`). Nothing for someone whose leave
    date has passed, and no query: the projection drops their rows only when it next works out their standing, and
    nothing does when a leave date simply passes."""
    today = today or timezone.localdate()
    if staff.has_left(today):
        return []
    rows = RequirementStatus.objects.filter(staff=staff, requirement__active=True).select_related(
        "requirement", "requirement__page"
    )
    pending, rejected = set(), {}
    certificates = Certificate.objects.filter(staff=staff).order_by("uploaded_at", "pk")
    for requirement_id, state, reason in certificates.values_list("requirement_id", "status", "rejection_reason"):
        if state == Certificate.PENDING:
            pending.add(requirement_id)
        rejected[requirement_id] = reason if state == Certificate.REJECTED else ""  # the latest upload decides
    window = due_soon_days()
    lines = [
        RequirementLine(
            row,
            row.state(today, window),
            today,
            certificate_pending=row.requirement_id in pending,
            certificate_rejected=rejected.get(row.requirement_id, ""),
        )
        for row in rows
    ]
    if learning_for is not None:
        modules = {line.requirement.page_id for line in lines if line.requirement.kind == Requirement.COMPLETE_MODULE}
        progress = learning_progress_by_page(learning_for, modules - {None})
        for line in lines:
            line.learning = progress.get(line.requirement.page_id)
    return sorted(lines, key=_most_urgent_first)


def requirement_lines_as_at(staff, moment) -> list[RequirementLine] | None:
    """The same lines as the person's standing stood at `moment`, read from the ledger and roster history; None if
    the roster did not have them then (not yet started, or already left)."""
    from portal.compliance.asat import statuses_as_at

    found = next(iter(statuses_as_at(moment, staff_ids=[staff.pk])), None)
    if found is None:
        return None
    window = due_soon_days()
    lines = [RequirementLine(row, row.state(moment.day, window), moment.day) for row in found[1]]
    return sorted(lines, key=_most_urgent_first)


@dataclass(frozen=True)
class HeldRow:
    """A run of the status table in effective time (`compliance.StatusInterval`) as a RequirementLine reads a status
    row, with the team the roster had the person in then, as it was then (its name then: `people.team_history`)."""

    requirement: Requirement
    completed_on: datetime.date | None
    expires_on: datetime.date | None
    due_on: datetime.date | None
    paused_until: datetime.date | None = None
    team: Team | None = None


def requirement_lines_as_it_was(staff, day: datetime.date, history=(), tree=None) -> list[RequirementLine] | None:
    """The person's lines as it was on `day`, from everything known now: their runs of the status table in effective
    time holding that day, each with its run's own state, in one query; None if they were not in post then (in none
    of their periods of employment: `people.history.employed_on`, one query more for a day before the present one),
    each with the team they were in then as the tree stood that day (one query more, none if the caller has read it:
    `tree`). A paused line's last day comes from the pauses among
    `history` (their whole ledger, `evidence_history_for_staff`), so it needs no query of its own."""
    if not employed_on(staff, day):  # in one of their periods of employment: one query for a day before the present
        return None
    runs = StatusInterval.objects.filter(StatusInterval.on_q(day), staff=staff).select_related("requirement")
    runs = list(with_history_marks(runs, of="requirement_id"))
    requirements = []
    for run in runs:
        run.requirement.history_rows, run.requirement.history_last = run.history_rows, run.history_last
        requirements.append(run.requirement)
    # Those in force that day, named by their terms then (`requirement_history`, as the exports read them); their
    # history is read (one query) only when one was changed after the day.
    then = {r.pk: r for r in requirements_as_at(requirements, day, None) if r.in_force_on(day)}
    tree = tree or tree_on(day)
    spans = defaultdict(list)
    for entry in history:
        if entry.source == EvidenceEntry.PAUSE and not entry.withdrawn:
            spans[entry.requirement_id].append((local_day(entry.completed_at), entry.expires_on))
    lines = []
    for run in runs:
        if run.requirement_id not in then:
            continue
        until = status.pause_shown(day, spans[run.requirement_id])[1] if run.state == status.PAUSED else None
        team = tree.team(run.team_id) if run.team_id in tree else None
        row = HeldRow(then[run.requirement_id], run.completed_on, run.expires_on, run.due_on, until, team)
        lines.append(RequirementLine(row, run.state, day))
    return sorted(lines, key=_most_urgent_first)


def pauses_in_force(day: datetime.date, staff_ids) -> dict[tuple[int, int], datetime.date | None]:
    """(person, requirement) -> the last day of the pause in force on `day` (None: no return date yet), from every
    pause of `staff_ids` that no correction has voided, whenever either was recorded: what a paused tag shows as it
    was. One query; pauses are few, so they are read whole."""
    voided = EvidenceEntry.objects.filter(voids=OuterRef("pk"))
    rows = EvidenceEntry.objects.filter(source=EvidenceEntry.PAUSE, staff_id__in=list(staff_ids)).exclude(
        Exists(voided)
    )
    spans = defaultdict(list)
    for staff_id, requirement_id, first, last in rows.values_list(
        "staff_id", "requirement_id", "completed_at", "expires_on"
    ):
        spans[staff_id, requirement_id].append((local_day(first), last))
    found = {}
    for key, pauses in spans.items():
        first, last = status.pause_shown(day, pauses)
        if first is not None and first <= day:
            found[key] = last
    return found


def _most_urgent_first(line: RequirementLine):
    return (URGENCY.get(line.state, 9), line.row.due_on or datetime.date.max, line.requirement.name)


def evidence_history_for_staff(staff, cutoff: datetime.datetime | None = None):
    """Everything the ledger holds for `staff`, newest first by the date each shows (when it was completed, or for
    an entry with no completion, when it was recorded), then the latest recorded first. Each entry has `withdrawn`
    (a correction voided it) and that correction's `withdrawn_reason`, `withdrawn_at` and `withdrawn_by` (a name).
    Given `cutoff`, only what was recorded before it, corrections included. One query."""
    entries = EvidenceEntry.objects.filter(staff=staff)
    corrections = EvidenceEntry.objects.filter(voids=OuterRef("pk"))
    if cutoff is not None:
        entries, corrections = entries.filter(recorded_at__lt=cutoff), corrections.filter(recorded_at__lt=cutoff)
    corrections = corrections.annotate(
        # The recorder's display_name: their full name, else their email.
        by=Coalesce(
            NullIf(Trim(Concat("recorded_by__first_name", Value(" "), "recorded_by__last_name")), Value("")),
            "recorded_by__email",
            output_field=CharField(),
        )
    ).order_by("seq")
    return (
        entries.select_related("requirement", "snapshot")
        .annotate(
            withdrawn=Exists(corrections),
            withdrawn_reason=Subquery(corrections.values("reason")[:1]),
            withdrawn_at=Subquery(corrections.values("recorded_at")[:1]),
            withdrawn_by=Subquery(corrections.values("by")[:1]),
            # An imported completion's file: its source_ref is "import batch <id> line <n>".
            import_file=Subquery(
                ImportBatch.objects.annotate(
                    ref=Concat(Value("import batch "), Cast("pk", CharField()), Value(" line "))
                )
                .filter(ref=Left(OuterRef("source_ref"), Length("ref")))
                .values("filename")[:1]
            ),
        )
        # A completion imported today may have been done years ago: it sits where its date puts it.
        .order_by(Coalesce("completed_at", "recorded_at").desc(), "-recorded_at", "-seq")
    )


def evidence_history_as_it_was(history, day: datetime.date) -> list[EvidenceEntry]:
    """Of a person's whole ledger (`evidence_history_for_staff`, in its order), what had taken effect by the end of
    `day`, whenever it was recorded: a completion or a pause from its own day, a correction from the day of the entry
    it voids (that fact never held), anything else from when it was recorded. Entries voided since stay in, marked
    withdrawn with the correction's date, as the live page shows them. Newest first by the day each took effect, a
    correction just above the entry it voids. Each gets `took_effect` (that day) and `recorded_since` (recorded after
    `day` ended: a late fact), for the page to say when it was recorded."""
    history = list(history)
    cutoff = end_of_local_day(day)
    own = {entry.pk: local_day(entry.completed_at or entry.recorded_at) for entry in history}
    shown = []
    for entry in history:
        entry.took_effect = own.get(entry.voids_id, own[entry.pk]) if entry.voids_id else own[entry.pk]
        entry.recorded_since = entry.recorded_at >= cutoff
        if entry.took_effect <= day:
            shown.append(entry)
    return sorted(shown, key=lambda entry: (entry.took_effect, entry.recorded_at, entry.seq), reverse=True)


def certificate_list_for_staff(staff, *, completed_by: datetime.date | None = None, cutoff=None) -> list[Certificate]:
    """A person's uploaded certificates, the latest uploaded first, each with its course: one query. A certificate
    HR verified and then withdrew (by voiding the entry the verification made) carries the correction's reason and
    when on its own row (`certificate_withdraw`), so showing why costs no query per certificate.

    Given `completed_by`, only the courses completed by that day (a day as it was: what HR decided since is known
    now, withdrawals included). Given `cutoff`, only those uploaded before it, each as the portal held it then: one
    HR decided later is still waiting, one HR withdrew later is still verified, so a page as recorded then shows no
    reason given after it. These are copies to show, never saved: reports write nothing."""
    certificates = staff.certificates.select_related("requirement").order_by("-uploaded_at")
    if completed_by is not None:
        certificates = certificates.filter(completed_on__lte=completed_by)
    if cutoff is None:
        return list(certificates)
    held = []
    for certificate in certificates.filter(uploaded_at__lt=cutoff):
        if certificate.withdrawn_at is not None and certificate.withdrawn_at >= cutoff:
            certificate.status, certificate.withdrawn_at, certificate.withdrawn_reason = Certificate.APPROVED, None, ""
        if certificate.reviewed_at is not None and certificate.reviewed_at >= cutoff:
            certificate.status, certificate.rejection_reason = Certificate.PENDING, ""
        held.append(certificate)
    return held
