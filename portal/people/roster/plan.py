"""The plan a dry run makes (`RosterPlan`, with its `IdentityChange`s): what applying the file would change, what
it refuses, and how each change reads."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.utils import timezone

from portal.lib.csvfiles import show_date

from ..models import StaffMember
from .rows import PersonRow, _assignment_order

# How a change reads on the dry run: "Team: Finance to Payroll", "First name: Sam to Siân".
FIELD_NAMES = {
    "first_name": "First name",
    "last_name": "Last name",
    "work_email": "Work email",
    "job_title": "Job title",
    "staff_group": "Staff group",
    "team_id": "Team",
    "start_date": "Start date",
    "leave_date": "Leave date",
    "employment_type": "Employment type",
    "line_manager": "Line manager",
}
IDENTITY_FIELDS = ("work_email", "first_name", "last_name")


@dataclass
class IdentityChange:
    """A change to who an existing record is, which HR must confirm before it applies."""

    staff: StaffMember
    person: PersonRow
    changes: list[str]  # in words: "Work email: sam@x to siân@x"
    reused: bool  # the file seems to give this employee number to someone else


@dataclass
class RosterPlan:
    to_create: list[PersonRow] = field(default_factory=list)
    to_change: list[tuple[StaffMember, PersonRow, dict]] = field(default_factory=list)
    leavers: list[StaffMember] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    line_problems: list[tuple[int, str]] = field(default_factory=list)  # those of `problems` about a line, unprefixed
    rows: int = 0
    sha256: str = ""
    identity: list[IdentityChange] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # headings the import does not read
    ignored: list[str] = field(default_factory=list)  # footers, summary lines and blank lines left out
    hidden: str = ""  # rows Excel hides, read all the same (csvfiles.Table.hidden)
    unmatchable: list[str] = field(default_factory=list)  # records no file can match (people.text_formulas)
    team_names: dict = field(default_factory=dict)  # team id -> name, to say changes in words
    manager_names: dict = field(default_factory=dict)  # employee number -> name, for "Line manager: Sam Taylor (900)"
    # The posts the file adds to or changes for people held: employee number -> {assignment number: (as held, or ""
    # for a post not held yet; (team id, start date, leave date) as the post's own row gives them)}. Each person with
    # one is in `to_change`, with their own changes (if any).
    posts: dict = field(default_factory=dict)
    # What the file said of someone that a post it does not name, held open, kept from them: employee number ->
    # ("record" or "leave", the posts), said beside their changes (`held_described`).
    held_back: dict = field(default_factory=dict)
    # Of those, the people whose one post changes with their own record: their own changes say it
    posts_said: set = field(default_factory=set)
    # As `posts`, for people whose one post the file brings into line with their own record, which it does not
    # change (a post kept from before the portal read posts' facts): applied, not listed, as it shows no one anyone
    posts_kept_up: dict = field(default_factory=dict)

    @property
    def can_apply(self) -> bool:
        return not self.rejected and not self.problems

    @property
    def identity_fingerprint(self) -> str:
        """Names exactly the identity changes on this dry run: a confirmation given for these applies to no other."""
        text = "\n".join(sorted(f"{c.staff.employee_number}:{c.changes}" for c in self.identity))
        return hashlib.sha256(text.encode()).hexdigest()[:20] if self.identity else ""

    @property
    def errors(self) -> list[tuple[int | None, str]]:
        """Everything that stops the file, as (line, what is wrong): the file's own problems (no line) first, then
        rejected rows and problems such as an unknown supervisor in one list by line, as the file reads."""
        lined = {f"Line {line}: {text}" for line, text in self.line_problems}
        whole_file = [(None, text) for text in self.problems if text not in lined]
        return whole_file + sorted([*self.line_problems, *self.rejected], key=lambda error: error[0])

    @property
    def fingerprint(self) -> str:
        """Names what applying this plan would do (who is added, and of them who has left already, so gets a closed
        account; what changes for whom; who leaves; who returns, their account opened again; which rows are refused):
        a dry run made again finds the same only if the file, the records it changes and, for who has left and who
        returns, the day are as they were, so an apply asked for from a dry run shown earlier can tell that it would
        do what was shown."""
        today = timezone.localdate()
        text = repr(
            (
                [
                    (p.employee_number, sorted(p.fields.items()), sorted(p.posts.items()), p.manager_number)
                    for p in self.to_create
                ],
                [
                    (s.pk, sorted(d.items()), sorted(self.posts.get(s.employee_number, {}).items()), p.manager_number)
                    for s, p, d in self.to_change
                ],
                sorted(self.posts_kept_up.items()),
                [s.pk for s in self.leavers],
                [s.pk for s in _returners(self.to_change, today)],
                [
                    p.employee_number
                    for p in self.to_create
                    if p.fields["leave_date"] and p.fields["leave_date"] < today
                ],
                self.rejected,
                self.problems,
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def needs_confirmation(self, confirmed: str) -> bool:
        return bool(self.identity) and confirmed != self.identity_fingerprint

    @property
    def other_changes(self) -> list[tuple[StaffMember, list[str]]]:
        """The changes that are not to anyone's identity, in words, in file order."""
        identity = {c.staff.pk for c in self.identity}
        return [
            (s, self.describe(d) + self.posts_described(s) + self.held_described(s))
            for s, _, d in self.to_change
            if s.pk not in identity
        ]

    def describe(self, diffs: dict) -> list[str]:
        return [
            f"{FIELD_NAMES[name]}: {self._shown(name, old)} to {self._shown(name, new)}"
            for name, (old, new) in diffs.items()
        ]

    def posts_described(self, staff: StaffMember) -> list[str]:
        """The changes to `staff`'s posts in words, unless their own changes say them (`posts_said`)."""
        if staff.employee_number in self.posts_said:
            return []
        posts = self.posts.get(staff.employee_number, {})
        return [self._post_described(number, *posts[number]) for number in sorted(posts, key=_assignment_order)]

    def held_described(self, staff: StaffMember) -> list[str]:
        """Why what the file says of `staff` themselves is not applied, when a post it does not name kept it: the file
        cannot tell a partial extract (a bank extract) from a full one that left out a post that ended, so HR is
        told."""
        if staff.employee_number not in self.held_back:
            return []
        kind, numbers = self.held_back[staff.employee_number]
        posts = ", ".join(sorted(numbers, key=_assignment_order))
        if kind == "record":
            return [
                "Their own record (team, job title, dates, line manager) is left as it is: it comes from post "
                f"{posts}, which this file does not name and the portal holds open. If that post has ended, give it in "
                "the file with its leave date"
            ]
        return [f"No leave date for them: post {posts}, which this file does not name, is held open without one"]

    def _post_described(self, number: str, old, new) -> str:
        """A post's change in words: "Post 1001-2: added, in Ward 3 from 01/04/2026", "Post 1001-2: team Ward 3 to
        Ward 4; leave date (blank) to 31/05/2026"."""
        team, start, leave = new
        if old == "":
            ending = f", to {show_date(leave)}" if leave else ""
            return f"Post {number}: added, in {self._shown('team_id', team)} from {show_date(start)}{ending}"
        parts = [
            f"{label} {self._shown(name, was)} to {self._shown(name, now)}"
            for label, name, was, now in zip(
                ("team", "start date", "leave date"), ("team_id", "start_date", "leave_date"), old, new, strict=True
            )
            if was != now
        ]
        return f"Post {number}: {'; '.join(parts)}"

    def _shown(self, name: str, value) -> str:
        if name == "line_manager" and not value:
            return "none"
        if value in (None, ""):
            return "(blank)"
        if name == "team_id":
            return self.team_names.get(value, str(value))
        if name == "line_manager":
            return f"{self.manager_names[value]} ({value})" if value in self.manager_names else str(value)
        if name == "employment_type":
            return dict(StaffMember.EMPLOYMENT_CHOICES).get(value, value)
        if isinstance(value, datetime.date):
            return show_date(value)
        return str(value)

    @property
    def returners(self) -> list[StaffMember]:
        """People who had left and no longer have (a leave date cleared or moved on): their account opens again."""
        return _returners(self.to_change, timezone.localdate())

    @property
    def line_managers_cleared(self) -> int:
        """How many people would have no line manager once applied, as the file leaves their supervisor blank: said
        apart from the other changes, as a partial extract with the supervisor column empty would clear them all."""
        return sum(1 for _, _, diffs in self.to_change if diffs.get("line_manager", (None, None))[1] == "")

    @property
    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "created": len(self.to_create),
            "changed": len(self.to_change),
            "leavers": len(self.leavers),
            "rejected": len(self.rejected),
            "problems": len(self.problems),
            "identity_changes": len(self.identity),
            "line_managers_cleared": self.line_managers_cleared,
        }


def _returners(to_change: list, today: datetime.date) -> list[StaffMember]:
    """Of the people to change, those whose leave date moves from the past to none, today or later."""
    return [
        staff
        for staff, _, diffs in to_change
        if "leave_date" in diffs
        and diffs["leave_date"][0] is not None
        and diffs["leave_date"][0] < today
        and (diffs["leave_date"][1] is None or diffs["leave_date"][1] >= today)
    ]
