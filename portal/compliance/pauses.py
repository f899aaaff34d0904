"""Pauses: HR stops a person's clock on one or all requirements (maternity leave, long-term sickness, ...).

A pause is ledger entries, one per requirement paused (source `pause`): `completed_at` is the first day paused
(midnight, London), `expires_on` the last (None: no return date yet), `source_ref` the reason's code and the pause it
belongs to (`<code>:<ref>`, one ref shared by the entries a pause wrote), `reason` HR's words when the reason is
"other". Changing a pause (ending it early, extending it, correcting its dates or reason) voids its entries and
writes new ones under a new ref; withdrawing one recorded in error voids them. So the ledger stays the record, as at
reports and packs read pauses as they stood then, and the status table is rebuilt from the ledger alone.

Each write takes the ledger's lock, refreshes the person's status and records its audit entry (`pause_changed`) in
one transaction. The rule for what a pause does to a due date is `status.due_after_pauses`.
"""

import datetime
import hashlib
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.text import hidden_character
from portal.people.hr_roles import ask_another_hr
from portal.people.models import StaffMember

from . import ledger, projection
from .dates import local_day
from .models import EvidenceEntry, Requirement

MATERNITY, SICKNESS, CAREER_BREAK, SECONDMENT, SUSPENSION, OTHER = (
    "maternity",
    "sickness",
    "career_break",
    "secondment",
    "suspension",
    "other",
)
REASONS = [
    (MATERNITY, "Maternity, paternity or adoption leave"),
    (SICKNESS, "Long-term sickness"),
    (CAREER_BREAK, "Career break"),
    (SECONDMENT, "Secondment out"),
    (SUSPENSION, "Suspension"),
    (OTHER, "Other"),
]
REASON_LABELS = dict(REASONS)
OTHER_TEXT_MAX_LENGTH = 500
# How a change's correction begins: "Pause changed: <reason> from ... is now ...".
CHANGED_NOTE = "Pause changed: "
# How far ahead a pause may start: planned leave is known months ahead, but not years.
LATEST_START_DAYS = 366


class PauseError(Exception):
    """The pause cannot be recorded as asked; the message says why."""


@dataclass
class Pause:
    """One pause as HR recorded it: the entries it wrote, one per requirement."""

    ref: str
    reason_code: str
    reason_text: str
    first_day: datetime.date
    last_day: datetime.date | None
    recorded_at: datetime.datetime
    recorded_by: object
    entries: list[EvidenceEntry] = field(default_factory=list)

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason_code, "Other")

    @property
    def requirements(self) -> list[Requirement]:
        return sorted((e.requirement for e in self.entries), key=lambda r: r.name)

    def in_force_on(self, day: datetime.date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)

    def over_by(self, day: datetime.date) -> bool:
        return self.last_day is not None and self.last_day < day


def paused_due(due_on: datetime.date | None, day: datetime.date, month: str = "%B") -> str:
    """What a row paused on `day` says of its due date, beside "Paused until ...": the due date it holds is already
    the one the pause leaves (`status.due_after_pauses`), so it is either after the pause (the paused days inside the
    person's window moved it), or before the pause began (a pause that starts after the due date moves nothing: they
    are overdue again the day it ends), or none (a pause with no return date leaves no due date until it has one).
    `month`: the month as a strftime code, "%b" where room is short."""
    if due_on is None:
        return "no due date until the pause has an end date"
    shown = f"{due_on.day} {due_on:{month} %Y}"
    if due_on < day:
        return f"was due {shown}, before the pause: overdue when it ends"
    return f"then due by {shown}"


def pause_ref(code: str, ref: str) -> str:
    return f"{code}:{ref}"


def pauses_for_staff(staff: StaffMember) -> list[Pause]:
    """The person's pauses that stand (not voided), latest first. One query."""
    voided = EvidenceEntry.objects.filter(voids=OuterRef("pk"))
    entries = (
        EvidenceEntry.objects.filter(staff=staff, source=EvidenceEntry.PAUSE)
        .exclude(Exists(voided))
        .select_related("requirement", "recorded_by")
        .order_by("seq")
    )
    groups: dict[str, Pause] = {}
    for entry in entries:
        code, _, ref = entry.source_ref.partition(":")
        pause = groups.get(ref)
        if pause is None:
            pause = groups[ref] = Pause(
                ref=ref,
                reason_code=code,
                reason_text=entry.reason,
                first_day=local_day(entry.completed_at),
                last_day=entry.expires_on,
                recorded_at=entry.recorded_at,
                recorded_by=entry.recorded_by,
            )
        pause.entries.append(entry)
    return sorted(groups.values(), key=lambda p: (p.first_day, p.recorded_at), reverse=True)


def note_without_reason(note: str) -> str:
    """A correction's note as a manager, or an evidence pack, gives it: the note a pause's change wrote names the
    pause's reason (a suspension is confidential; sickness and maternity leave are health data), which only HR and
    the person see, so it is left out: "Pause changed: from 1 May 2026 ... is now ...". Any other note (HR's own
    words for voiding an entry or withdrawing a pause, which HR is told the manager sees) is given as it is."""
    if note.startswith(CHANGED_NOTE):
        rest = note.removeprefix(CHANGED_NOTE)
        for label in REASON_LABELS.values():
            if rest.startswith(f"{label} from "):
                return CHANGED_NOTE + rest.removeprefix(f"{label} ")
    return note


def pause_get(staff: StaffMember, ref: str) -> Pause | None:
    return next((p for p in pauses_for_staff(staff) if p.ref == ref), None)


def pause_add(
    *,
    staff: StaffMember,
    requirements: list[Requirement] | None,
    reason_code: str,
    reason_text: str = "",
    first_day: datetime.date,
    last_day: datetime.date | None,
    user,
    request=None,
) -> Pause:
    """Pause `staff` on `requirements` (None: every requirement that applies to them now) from `first_day` to
    `last_day` (None: no return date yet). The same pause submitted twice records it once; a pause that overlaps
    another on the same requirement is refused (change that one instead)."""
    reason_text = _checked(staff, reason_code, reason_text, first_day, last_day, user)
    with transaction.atomic():
        _person_hold(staff)
        if requirements is None:
            requirements = list(Requirement.objects.filter(statuses__staff=staff, active=True).order_by("name"))
        requirements = [r for r in requirements if r.active]
        if not requirements:
            raise PauseError(f"No requirement applies to {staff.full_name} now, so there is nothing to pause.")
        standing = pauses_for_staff(staff)
        same = _same_pause(standing, requirements, reason_code, reason_text, first_day, last_day)
        if same is not None:
            return same  # a double-submitted form
        _refuse_overlap(standing, requirements, first_day, last_day)
        pause = _write(staff, requirements, reason_code, reason_text, first_day, last_day, user)
        _audit(user, request, staff, "added", pause)
    return pause


def pause_change(
    *,
    staff: StaffMember,
    ref: str,
    reason_code: str,
    reason_text: str = "",
    first_day: datetime.date,
    last_day: datetime.date | None,
    user,
    request=None,
) -> Pause:
    """End a pause early, extend it, or correct its dates or reason: its entries are voided and new ones written
    under a new ref, for the same requirements. Submitting the same change twice records it once."""
    reason_text = _checked(staff, reason_code, reason_text, first_day, last_day, user)
    with transaction.atomic():
        _person_hold(staff)
        standing = pauses_for_staff(staff)
        old = next((p for p in standing if p.ref == ref), None)
        new_ref = _changed_ref(ref, reason_code, reason_text, first_day, last_day)
        if old is None:
            replaced = next((p for p in standing if p.ref == new_ref), None)
            if replaced is not None:
                return replaced  # a double-submitted form: the change is already made
            raise PauseError("This pause has been changed or withdrawn since you opened it. Start again from the list.")
        requirements = old.requirements
        if (old.reason_code, old.reason_text, old.first_day, old.last_day) == (
            reason_code,
            reason_text,
            first_day,
            last_day,
        ):
            return old
        _refuse_overlap([p for p in standing if p.ref != ref], requirements, first_day, last_day)
        note = f"{CHANGED_NOTE}{_described(old)} is now {_dates(first_day, last_day)}"
        _void(old, note, user)
        pause = _write(staff, requirements, reason_code, reason_text, first_day, last_day, user, ref=new_ref)
        _audit(user, request, staff, "changed", pause, before=old)
    return pause


def pause_withdraw(*, staff: StaffMember, ref: str, reason: str, user, request=None) -> Pause | None:
    """Withdraw a pause recorded in error: its entries are voided with `reason`; the person's clock runs as if it
    had never been. Withdrawing twice records it once (returns None the second time)."""
    reason = (reason or "").strip()
    if not reason:
        raise PauseError("Give a reason for withdrawing the pause.")
    problem = hidden_character(reason, line_breaks=True)
    if problem:
        raise PauseError(f"The reason contains {problem}. Type it again without it.")
    _refuse_own(staff, user)
    with transaction.atomic():
        _person_hold(staff)
        old = pause_get(staff, ref)
        if old is None:
            return None
        _void(old, f"Pause withdrawn: {reason}", user)
        _audit(user, request, staff, "withdrawn", old, why=reason)
    return old


def _checked(staff, reason_code, reason_text, first_day, last_day, user) -> str:
    if reason_code not in REASON_LABELS:
        raise PauseError("Choose a reason for the pause from the list.")
    reason_text = (reason_text or "").strip()
    if reason_code == OTHER:
        if not reason_text:
            raise PauseError("Say what the other reason is.")
        if len(reason_text) > OTHER_TEXT_MAX_LENGTH:
            raise PauseError(f"Give the other reason in {OTHER_TEXT_MAX_LENGTH} characters or fewer.")
        problem = hidden_character(reason_text, line_breaks=True)
        if problem:
            raise PauseError(f"The other reason contains {problem}. Type it again without it.")
    else:
        reason_text = ""  # only "other" carries words of its own
    if first_day is None:
        raise PauseError("Give the first day of the pause.")
    if last_day is not None and last_day < first_day:
        raise PauseError("The pause must end on or after the day it starts.")
    if first_day > timezone.localdate() + datetime.timedelta(days=LATEST_START_DAYS):
        raise PauseError("A pause can start at most a year ahead.")
    if first_day < staff.start_date:
        raise PauseError(f"A pause cannot start before {staff.full_name} started ({staff.start_date:%d/%m/%Y}).")
    if staff.leave_date is not None and first_day > staff.leave_date:
        raise PauseError(f"{staff.full_name} leaves on {staff.leave_date:%d/%m/%Y}: a pause cannot start after that.")
    _refuse_own(staff, user)
    return reason_text


def _refuse_own(staff, user) -> None:
    if user is not None and staff.user_id == user.pk:
        raise PauseError(ask_another_hr(user.pk, "You cannot pause your own requirements", "pause them"))


def _same_pause(standing, requirements, code, text, first_day, last_day) -> Pause | None:
    wanted = {r.pk for r in requirements}
    for pause in standing:
        terms = (pause.reason_code, pause.reason_text, pause.first_day, pause.last_day)
        if terms == (code, text, first_day, last_day) and {r.pk for r in pause.requirements} == wanted:
            return pause
    return None


def _refuse_overlap(standing, requirements, first_day, last_day) -> None:
    wanted = {r.pk for r in requirements}
    for pause in standing:
        overlaps = (last_day is None or pause.first_day <= last_day) and (
            pause.last_day is None or first_day <= pause.last_day
        )
        shared = [r.name for r in pause.requirements if r.pk in wanted]
        if overlaps and shared:
            raise PauseError(
                f"{', '.join(shared)} is already paused {_dates(pause.first_day, pause.last_day)}. "
                "Change that pause instead."
            )


def _dates(first_day, last_day) -> str:
    if last_day is None:
        return f"from {first_day.day} {first_day:%B %Y} with no return date"
    return f"from {first_day.day} {first_day:%B %Y} to {last_day.day} {last_day:%B %Y}"


def _described(pause: Pause) -> str:
    return f"{pause.reason_label} {_dates(pause.first_day, pause.last_day)}"


def _changed_ref(ref, code, text, first_day, last_day) -> str:
    """The ref of the pause a change makes: the same change to the same pause makes the same ref."""
    made = f"{ref}|{code}|{text}|{first_day}|{last_day}"
    return hashlib.sha256(made.encode("utf-8")).hexdigest()[:12]


def _write(staff, requirements, code, text, first_day, last_day, user, ref="") -> Pause:
    ref = ref or uuid.uuid4().hex[:12]
    starts = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
    pause = Pause(ref, code, text, first_day, last_day, timezone.now(), user)
    for requirement in requirements:
        entry, created = ledger.prepare(
            idempotency_key=f"pause:{ref}:{requirement.pk}",
            staff=staff,
            requirement=requirement,
            source=EvidenceEntry.PAUSE,
            source_ref=pause_ref(code, ref),
            completed_at=starts,
            expires_on=last_day,
            reason=text,
            recorded_by=user,
        )
        pause.entries.append(entry)
        if created:
            projection.refresh_pair(staff, requirement, pending=[entry])
            ledger.seal([entry])
    return pause


def _void(pause: Pause, note: str, user) -> None:
    for entry in pause.entries:
        void, created = ledger.prepare(
            idempotency_key=f"void:{entry.pk}",
            staff_id=entry.staff_id,
            requirement_id=entry.requirement_id,
            source=EvidenceEntry.VOID,
            source_ref=f"voids entry #{entry.seq}",
            voids=entry,
            reason=note,
            recorded_by=user,
        )
        if created:
            projection.refresh_pair(entry.staff, entry.requirement, pending=[void])
            ledger.seal([void])


def _audit(user, request, staff, change, pause: Pause, before: Pause | None = None, why: str = "") -> None:
    detail = {
        "staff_id": staff.pk,
        "change": change,
        "reason": pause.reason_code,
        "first_day": pause.first_day.isoformat(),
        "last_day": pause.last_day.isoformat() if pause.last_day else None,
        "requirements": [r.name for r in pause.requirements],
        "entries": [e.seq for e in pause.entries],
    }
    if before is not None:
        detail["before"] = {
            "reason": before.reason_code,
            "first_day": before.first_day.isoformat(),
            "last_day": before.last_day.isoformat() if before.last_day else None,
        }
    if why:
        detail["why"] = why
    audit_record(actor=user, action=AuditEvent.PAUSE_CHANGED, scope=staff.full_name, request=request, **detail)


def _person_hold(staff) -> None:
    """Take the person's ledger lock for the rest of the transaction (`ledger.people_lock`), so two HR officers
    pausing the same person at once are checked against each other's pauses."""
    ledger.people_lock([staff.pk])


def pauses_roll_over(today: datetime.date, chunk: int = 500) -> int:
    """The daily step that moves status rows on from a pause that has ended: a row holds only the pause in force or
    the next one, so a person with a second pause booked after the first would not show it (and would be reminded)
    until something else refreshed them. Refreshes every row whose pause ended before `today`, a chunk of people at
    a time under the ledger's lock. Returns the rows written. Run before the reminders of the day."""
    from .models import RequirementStatus

    ended = RequirementStatus.objects.filter(paused_until__lt=today).values_list("staff_id", "requirement_id")
    by_person: dict[int, set[int]] = {}
    for staff_id, requirement_id in ended:
        by_person.setdefault(staff_id, set()).add(requirement_id)
    people = sorted(by_person)
    written = 0
    for start in range(0, len(people), chunk):
        staff_ids = people[start : start + chunk]
        requirement_ids = set().union(*(by_person[pk] for pk in staff_ids))
        with transaction.atomic():
            ledger.people_lock(staff_ids)
            written += projection.refresh(staff_ids=staff_ids, requirement_ids=requirement_ids)
    return written
