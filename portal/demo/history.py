"""The demo's past, recorded as an organisation going live records it: through the import pipeline, at the dates
the files give, so that the 12-month trend and every report "as it was" show a living organisation on a fresh demo.

- Three people who have left, each started years ago (a roster file with their start and termination dates).
- A move between teams 18 months ago (two roster files with an Effective Date: the team they were in from their
  start, then the team they moved to).
- Maternity leave last year (a pause HR recorded, from its first to its last day).
- Three years of national e-learning completions for everyone (a completions file), some done late, so that the
  organisation's share compliant rises and falls over the months. Nobody records evidence about themselves: the
  Workforce Information Officer imports everyone's but her own, which another member of HR imports.

All of it is recorded today: "as recorded then" for a past day shows what the portal knew then (nothing, before the
demo was loaded), "as it was" shows the history. Loading twice records nothing more (every import is idempotent).
"""

import datetime
import random

from django.utils import timezone

from portal.compliance import pauses
from portal.compliance.completions import competence_mapping_save
from portal.compliance.imports.base import importer_for
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import Requirement
from portal.people.models import StaffMember

from .people import PEOPLE

# (employee number, first, last, team code, job title, staff group, started days ago, left days ago)
LEAVERS = [
    ("10000101", "Olivia", "Brown", "FIN", "Finance Officer", "Administrative and Clerical", 2600, 420),
    ("10000102", "Marcus", "Green", "SAFE", "Safeguarding Practitioner", "Nursing and Midwifery Registered", 1400, 200),
    (
        "10000103",
        "Ruth",
        "Clarke",
        "MEDS",
        "Medicines Optimisation Pharmacist",
        "Add Prof Scientific and Technic",
        1900,
        75,
    ),
]
MOVER = "tomasz.nowak@example.nhs.uk"  # in Finance from their start until 18 months ago
MOVED_FROM, MOVED_DAYS_AGO = "FIN", 550
PAUSED = "chloe.evans@example.nhs.uk"  # maternity leave last year
PAUSE_DAYS_AGO, PAUSE_DAYS = 480, 180
HR_EMAIL = "dev.patel@example.nhs.uk"
IMPORTER_EMAIL = "joanne.whitfield@example.nhs.uk"  # imports the completions file, which must not hold her own
# The national e-learning records' names for the courses (ESR competence names) and the requirements they count to.
COURSES = {
    "NHS|CSTF|Data Security Awareness - Level 1|": ("Data Security Awareness Level 1", 12),
    "NHS|CSTF|Preventing Radicalisation - Basic Prevent Awareness - 3 Years|": (
        "Preventing Radicalisation (Prevent) Basic Awareness",
        36,
    ),
}
YEARS = 3
ROSTER_HEADER = (
    "Employee Number,First Name,Last Name,Work Email,Organisation Code,Position Title,Staff Group,Hire Date,"
    "Termination Date,Effective Date"
)


def history(report) -> None:
    """Record the demo's past (see the module's docstring)."""
    today = timezone.localdate()
    hr = StaffMember.objects.select_related("user").get(work_email=HR_EMAIL).user
    _leavers(today, hr, report)
    _move(today, hr, report)
    _pause(today, hr, report)
    _completions(today, hr, report)


def _day(today, days_ago: int) -> str:
    return (today - datetime.timedelta(days=days_ago)).strftime("%d/%m/%Y")


def _import(kind: str, lines: list[str], filename: str, user, header: str) -> bool:
    """Upload and apply a file as HR would, unless its dry run finds nothing to do (the demo loaded before).
    Returns whether it was applied."""
    data = ("\r\n".join([header, *lines]) + "\r\n").encode()
    plan = importer_for(kind).plan(data)
    if not plan.can_apply:
        raise ValueError(f"The demo's {filename} does not apply: {plan.rejected or plan.problems}")
    if not any(plan.summary.get(name) for name in ("created", "changed", "to_record")):
        return False
    batch, _ = import_batch_create(kind=kind, data=data, filename=filename, user=user)
    import_batch_apply(batch=batch, user=user, background=False)
    return True


def _leavers(today, hr, report) -> None:
    lines = [
        f"{number},{first},{last},{first.lower()}.{last.lower()}@example.nhs.uk,{team},{title},{group},"
        f"{_day(today, started)},{_day(today, left)},"
        for number, first, last, team, title, group, started, left in LEAVERS
    ]
    applied = _import("roster", lines, "demo-leavers.csv", hr, ROSTER_HEADER)
    report.note(applied, f"{len(LEAVERS)} leavers, from a roster file")


def _roster_line(staff: StaffMember, team_code: str, effective: str) -> str:
    return (
        f"{staff.employee_number},{staff.first_name},{staff.last_name},{staff.work_email},{team_code},"
        f"{staff.job_title},{staff.staff_group},{staff.start_date:%d/%m/%Y},,{effective}"
    )


def _move(today, hr, report) -> None:
    staff = StaffMember.objects.select_related("team").get(work_email=MOVER)
    if staff.changes.filter(team__code=MOVED_FROM).exists():
        report.note(False, f"{staff.full_name}'s move from {MOVED_FROM}")
        return
    now_in = staff.team.code
    # What ESR would have said before the move, then the move itself: each file dated as ESR dates it.
    before = _roster_line(staff, MOVED_FROM, f"{staff.start_date:%d/%m/%Y}")
    _import("roster", [before], "demo-before.csv", hr, ROSTER_HEADER)
    _import("roster", [_roster_line(staff, now_in, _day(today, MOVED_DAYS_AGO))], "demo-move.csv", hr, ROSTER_HEADER)
    report.note(True, f"{staff.full_name}'s move from {MOVED_FROM}, from two roster files")


def _pause(today, hr, report) -> None:
    staff = StaffMember.objects.get(work_email=PAUSED)
    if pauses.pauses_for_staff(staff):
        report.note(False, f"{staff.full_name}'s pause")
        return
    first_day = today - datetime.timedelta(days=PAUSE_DAYS_AGO)
    pause = pauses.pause_add(
        staff=staff,
        requirements=None,
        reason_code=pauses.MATERNITY,
        first_day=first_day,
        last_day=first_day + datetime.timedelta(days=PAUSE_DAYS - 1),
        user=hr,
    )
    report.note(True, f"{staff.full_name}'s pause ({len(pause.entries)} requirements)")


def _completions(today, hr, report) -> None:
    """Each person's courses done once a renewal period over three years, a few weeks early or a few months late
    (the same every time the demo is loaded: a fixed seed). The importer's own rows go in a file of their own, which
    `hr` imports: an import never records the completions of whoever applies it."""
    importer = StaffMember.objects.select_related("user").get(work_email=IMPORTER_EMAIL)
    rng = random.Random(14)
    for competence, (name, _) in COURSES.items():
        competence_mapping_save(competence=competence, requirement=Requirement.objects.get(name=name), user=hr)
    lines, own = [], []
    numbers = [p.employee_number for p in PEOPLE] + [leaver[0] for leaver in LEAVERS]
    for staff in StaffMember.objects.filter(employee_number__in=numbers).order_by("employee_number"):
        first = max(staff.start_date, today - datetime.timedelta(days=round(YEARS * 365.25)))
        last = min(today, staff.leave_date or today)
        for competence, (_, months) in COURSES.items():
            done = first + datetime.timedelta(days=rng.randint(5, 60))
            while done <= last:
                (own if staff == importer else lines).append(f"{staff.employee_number},{competence},{done:%d/%m/%Y},")
                done += datetime.timedelta(days=round(months * 30.44) + rng.choice([-30, -10, 20, 90, 150]))
    header = "Employee Number,Competence Name,Achievement Date,Expiry Date"
    applied = _import("completions", lines, "demo-completions.csv", importer.user, header)
    report.note(applied, f"{len(lines)} completions over {YEARS} years, from a completions file")
    applied = _import("completions", own, "demo-completions-own.csv", hr, header)
    report.note(applied, f"{importer.full_name}'s {len(own)} completions, imported by another member of HR")
