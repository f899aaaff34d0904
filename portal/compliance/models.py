import datetime
import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty

from portal.lib.stalled import stalled_before
from portal.lib.text import hidden_character
from portal.people.models import StaffMember, Team

from . import status

JOB_TITLE_PATTERN_MAX_LENGTH = 200


def job_title_regex(pattern: str) -> str:
    """A job-title pattern ("Nurse*": `*` stands for any run of characters, and nothing else is special) as a regular
    expression for the whole title, in the dialect Python's `re` and PostgreSQL's share (SQLite's REGEXP is Python's
    `re`): escaped literals, `.*`, and the whole-string anchors `\\A` and `\\Z`, not `^`/`$` (Python's `$` matches
    before a final line break). `(?s)` lets `.` match a line break in both."""
    return r"(?s)\A" + ".*".join(re.escape(part) for part in pattern.split("*")) + r"\Z"


def job_title_matches(pattern: str, job_title: str) -> bool:
    """The Python half of the rule `projection.audience_ids` puts in SQL (`job_title__iregex`): the same expression,
    with the `(?i)` Django adds for SQLite."""
    return re.search("(?i)" + job_title_regex(pattern), job_title or "") is not None


class RequirementQuerySet(models.QuerySet):
    def in_use_on(self, day: datetime.date):
        """Requirements in use on `day`: introduced by then, and active or retired after it (a report about an earlier
        day counts them, and leaves out one introduced later)."""
        return self.filter(models.Q(active=True) | models.Q(retired_on__gt=day), introduced_on__lte=day)

    def levels_above(self) -> dict[int, list["Requirement"]]:
        """For each requirement in a level family, the requirements of the same family at a higher level: evidence
        for any of them satisfies it (Safeguarding Adults Level 3 satisfies Levels 1 and 2). One query."""
        levelled = list(self.model.objects.exclude(level_family="").filter(level__isnull=False))
        return {
            requirement.pk: [
                other
                for other in levelled
                if other.level_family == requirement.level_family and other.level > requirement.level
            ]
            for requirement in levelled
        }


def default_reminder_days() -> list[int]:
    """One reminder, as many days before the due date as the portal's "before" offset (`reminders.offsets()`)."""
    offset = getattr(settings, "PORTAL_REMINDER_OFFSETS", {}).get("before", -14)
    return [abs(offset)]


def reminder_days_problem(days) -> str:
    """What is wrong with a list of reminder days, or "" if nothing."""
    if not isinstance(days, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in days):
        return "List the days before the due date as whole numbers between square brackets, e.g. [60, 30, 14]."
    if any(d < 1 or d > 366 for d in days):
        return "Each reminder must be between 1 and 366 days before the due date."
    if len(set(days)) != len(days):
        return "Give each number of days once."
    if len(days) > 10:
        return "Give at most 10 reminders."
    return ""


class Requirement(models.Model):
    """What someone must do, who must do it, and how often. Periods are data: trusts set their own."""

    ATTEST_POLICY, COMPLETE_MODULE, EXTERNAL_COURSE = "attest_policy", "complete_module", "external_course"
    ROUND_KINDS = (ATTEST_POLICY, COMPLETE_MODULE)  # the kinds a material policy change can ask to be done again
    KIND_CHOICES = [
        (ATTEST_POLICY, "Attest to a policy"),
        (COMPLETE_MODULE, "Complete a portal module"),
        (EXTERNAL_COURSE, "Complete an external course"),
    ]

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The policy to attest to, or the module to complete.",
    )
    applies_to_everyone = models.BooleanField(default=True)
    staff_groups = models.JSONField(default=list, blank=True, help_text="Staff groups it applies to, if not everyone.")
    teams = models.ManyToManyField(Team, blank=True, help_text="Teams (and the teams below them) it applies to.")
    job_title_patterns = models.JSONField(
        default=list,
        blank=True,
        help_text='Job titles it applies to, if not everyone: "Nurse*" is any title starting with Nurse, '
        '"*nurse*" any containing it. Capitals do not matter.',
    )
    level_family = models.CharField(
        max_length=200,
        blank=True,
        help_text="Training in levels, e.g. Safeguarding Adults: a higher level completed satisfies the lower ones.",
    )
    level = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Its level in the family, e.g. 2.")
    renewal_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Months a completion stays valid; empty for no expiry."
    )
    new_starter_days = models.PositiveSmallIntegerField(default=28, help_text="Days after starting to complete it.")
    introduced_on = models.DateField(
        default=timezone.localdate,
        help_text="The day it starts to apply. People already in post then have the new-starter window from this day; "
        "reports as at an earlier day leave it out. It cannot be in the future.",
    )
    active = models.BooleanField(default=True)
    reminder_days = models.JSONField(
        default=default_reminder_days,
        blank=True,
        help_text="Days before the due date to remind the person, e.g. [60, 30, 14]; each is sent once.",
    )
    retired_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day it was retired: it counts in reports as at earlier days, and in no live figure.",
    )
    retired_reason = models.TextField(blank=True, help_text="Why it was retired.")

    objects = RequirementQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        # The live status table only follows a requirement from the day it applies; one introduced later would have
        # no rows until something refreshed them on that day.
        if self.introduced_on and self.introduced_on > timezone.localdate():
            errors["introduced_on"] = "A requirement cannot be introduced in the future: add it on the day it applies."
        if not isinstance(self.staff_groups, list) or not all(isinstance(g, str) for g in self.staff_groups):
            errors["staff_groups"] = 'List the staff groups in quotes between square brackets, e.g. ["Nursing"].'
        problem = reminder_days_problem(self.reminder_days)
        if problem:
            errors["reminder_days"] = problem
        problem = self._job_title_patterns_problem()
        if problem:
            errors["job_title_patterns"] = problem
        errors.update(self._level_problems())
        # A policy to attest to, a module to complete: checked whichever way the requirement is saved (HR's form, the
        # CMS, a command), so that no one is given a status row for something the portal has no page to do it on.
        pages = {
            self.ATTEST_POLICY: ("policypage", "Choose the policy people must attest to"),
            self.COMPLETE_MODULE: ("modulepage", "Choose the module people must complete"),
        }
        if self.kind in pages:
            model, message = pages[self.kind]
            page_type = ContentType.objects.get_for_id(self.page.content_type_id) if self.page_id else None
            if page_type is None or (page_type.app_label, page_type.model) != ("modules", model):
                errors["page"] = message
        if not self.active and not self.retired_reason.strip():
            errors["retired_reason"] = "Give the reason for retiring the requirement."
        if errors:
            raise ValidationError(errors)

    def _job_title_patterns_problem(self) -> str:
        patterns = self.job_title_patterns
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            return 'List the job titles in quotes between square brackets, e.g. ["Nurse*", "Midwife"].'
        for pattern in patterns:
            if not pattern.strip():
                return "A job title pattern cannot be blank."
            if len(pattern) > JOB_TITLE_PATTERN_MAX_LENGTH:
                return f"Each job title pattern must be {JOB_TITLE_PATTERN_MAX_LENGTH} characters or fewer."
            hidden = hidden_character(pattern)
            if hidden:
                return f"The job title pattern “{pattern}” contains {hidden}. Type it again without it."
        return ""

    def _level_problems(self) -> dict:
        if not self.level_family and self.level is None:
            return {}
        if not self.level_family:
            return {"level_family": "Name the training the levels belong to, e.g. Safeguarding Adults."}
        if self.level is None or self.level < 1:
            return {"level": "Give the level as a whole number, 1 or more."}
        if self.kind == self.ATTEST_POLICY:
            return {"level_family": "Policy attestations cannot have levels: choose a course or a module."}
        same = Requirement.objects.filter(level_family=self.level_family, level=self.level).exclude(pk=self.pk)
        if same.exists():
            return {"level": f"{same.first()} is already level {self.level} of {self.level_family}."}
        return {}

    def in_force_on(self, day: datetime.date) -> bool:
        """Whether the requirement applied to anyone on `day`: introduced by then, and in use (or retired only after
        `day`, so a retired requirement stays in reports as at days before it was retired)."""
        if day < self.introduced_on:
            return False
        return self.active or (self.retired_on is not None and day < self.retired_on)

    @property
    def audience_described(self) -> str:
        """Who it applies to, in words, as the HR requirements page lists it."""
        if self.applies_to_everyone:
            return "Everyone"
        parts = []
        if self.staff_groups:
            parts.append("staff groups: " + ", ".join(self.staff_groups))
        teams = [team.name for team in self.teams.all()]
        if teams:
            parts.append("teams (and the teams below them): " + ", ".join(teams))
        if self.job_title_patterns:
            parts.append("job titles: " + ", ".join(self.job_title_patterns))
        if not parts:
            return "No one"
        text = "; or ".join(parts)
        return text[0].upper() + text[1:]

    def first_due_on(self, start_date: datetime.date, joined_on: datetime.date | None = None) -> datetime.date:
        """When someone who started on `start_date` must first have done it: the new-starter window counts from their
        start, or from the day it was introduced for people already in post then, or from `joined_on`, the day they
        joined its audience (a move into a team, staff group or job title it names), whichever is latest."""
        came_under = max(start_date, self.introduced_on, joined_on or start_date)
        return came_under + datetime.timedelta(days=self.new_starter_days)

    def applies_to(self, staff: StaffMember, team_paths: list[str] | None = None) -> bool:
        """Whether this requirement's audience takes in `staff` (when it is in force is `in_force_on`). `team_paths`
        are the paths of self.teams (pass them in when checking many people, to avoid a query each). `staff` may be
        a StaffChange row: the roster as it was."""
        if self.applies_to_everyone:
            return True
        paths = team_paths if team_paths is not None else [t.path for t in self.teams.all()]
        return self.applies_to_values(
            staff.staff_group, staff.team.path if staff.team else None, paths, job_title=staff.job_title
        )

    def applies_to_values(
        self, staff_group: str, team_path: str | None, team_paths: list[str], job_title: str = ""
    ) -> bool:
        """`applies_to` on plain values: a staff group, a team's path and a job title. Any one criterion that
        matches makes it apply. `projection.audience_ids` is the same rule in SQL."""
        if self.applies_to_everyone or (staff_group and staff_group in self.staff_groups):
            return True
        if team_path is not None and any(team_path.startswith(p) for p in team_paths):
            return True
        return any(job_title_matches(pattern, job_title) for pattern in self.job_title_patterns)


class PolicySnapshot(models.Model):
    """The exact text of a policy version as published: what an attestation names. Never edited."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.PROTECT, related_name="+")
    version_label = models.CharField(max_length=20)
    effective_date = models.DateField()
    title = models.CharField(max_length=255)
    text = models.TextField(help_text="The policy as plain text, section by section.")
    sections = models.JSONField(help_text="[{number, heading, text}] as published.")
    content_hash = models.CharField(max_length=64)
    material = models.BooleanField(default=True)
    change_reason = models.TextField(blank=True)
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text="[{number, heading, kind, change, reason}]: each section changed since the version before, with "
        "the editor's answer for it (material or minor) as published.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["page", "-created_at"]
        get_latest_by = "created_at"
        constraints = [
            # A version's number names one text of the policy: what an attestation and a report call it by. The
            # policy page refuses a number used before with a message (modules PolicyPage.clean); this holds for
            # every other way a version is frozen.
            models.UniqueConstraint(fields=["page", "version_label"], name="one_snapshot_per_version_label"),
        ]

    def __str__(self):
        return f"{self.title} version {self.version_label}"

    def material_changes(self) -> list[dict]:
        return [change for change in self.changes if change.get("change") == "material"]

    def minor_changes(self) -> list[dict]:
        return [change for change in self.changes if change.get("change") != "material"]


class ReattestationRound(models.Model):
    """Opened by a material change: everyone in scope must attest to `snapshot` (or later) by `deadline`; or, for a
    module the editor chose to reopen, complete the module again after the round opened."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="rounds")
    snapshot = models.ForeignKey(PolicySnapshot, on_delete=models.PROTECT, related_name="rounds")
    deadline = models.DateField()
    reason = models.TextField()
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self):
        return f"Re-attest to {self.snapshot} by {self.deadline:%d %b %Y}"

    def outdates(self, *, kind: str, snapshot_id: int | None, completed_at: datetime.datetime) -> bool:
        """Whether evidence of a requirement of `kind` is older than this round, so must be done again: an
        attestation to a version before the round's (by the version it names), a module completed before the moment
        the round opened (a module completion names no version, so its time says which teaching it had: one done
        that morning, before the version went live in the afternoon, had the old)."""
        if kind == Requirement.ATTEST_POLICY:
            return (snapshot_id or 0) < self.snapshot_id
        return completed_at < self.opened_at


class EvidenceEntry(models.Model):
    """One fact in the append-only, hash-chained evidence ledger. Database triggers refuse UPDATE and DELETE."""

    QUIZ_ATTEMPT, MODULE, ATTESTATION, IMPORT, CERTIFICATE, VOID, PAUSE = (
        "quiz_attempt",
        "module",
        "attestation",
        "import",
        "certificate",
        "void",
        "pause",
    )
    SOURCE_CHOICES = [
        (MODULE, "Portal module completed (quiz passed)"),
        (QUIZ_ATTEMPT, "Quiz passed"),
        (ATTESTATION, "Attestation"),
        (IMPORT, "Imported completion"),
        (CERTIFICATE, "Certificate verified by HR"),
        (VOID, "Correction: voids an earlier entry"),
        # completed_at: the first day paused; expires_on: the last (None: no return date yet); source_ref: the
        # reason's code and the pause it belongs to (`pauses.pause_ref`); reason: HR's words for "other".
        (PAUSE, "Pause: the clock stops for a while"),
    ]

    seq = models.PositiveBigIntegerField(unique=True, help_text="Position in the hash chain, from 1.")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="evidence")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="evidence")
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True, help_text="Set when the source states its own expiry.")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=SOURCE_CHOICES)
    source_ref = models.CharField(max_length=300, help_text="e.g. attempt 12; import batch 3 line 41.")
    snapshot = models.ForeignKey(PolicySnapshot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    voids = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="voided_by")
    reason = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    prev_hash = models.CharField(max_length=64)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["staff", "requirement", "seq"]),
            models.Index(fields=["recorded_at"]),
        ]
        verbose_name_plural = "evidence entries"

    def __str__(self):
        return f"#{self.seq} {self.get_source_display()} for {self.staff_id} on {self.requirement_id}"

    @property
    def pause_reason(self) -> str:
        """For a pause, the reason's category (HR's own words for "other" are shown to HR only)."""
        from .pauses import REASON_LABELS

        return REASON_LABELS.get(self.source_ref.partition(":")[0], "Other")


class LedgerHead(models.Model):
    """One row: the chain's latest hash and length. Locking it serialises appends across processes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)

    def __str__(self):
        return f"Ledger head at #{self.seq}"


class RequirementStatus(models.Model):
    """The status projection: one row per person and requirement that applies to them, rebuilt from the ledger."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="statuses")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="statuses")
    completed_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    evidence = models.ForeignKey(EvidenceEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    paused_from = models.DateField(null=True, blank=True, help_text="The pause in force, or the next one.")
    paused_until = models.DateField(null=True, blank=True, help_text="Its last day; empty for no return date yet.")
    renew_from = models.DateField(
        null=True, blank=True, help_text="The day a re-attestation round opened that asks for this again."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "requirement"], name="one_status_per_requirement")]
        indexes = [models.Index(fields=["requirement", "due_on"])]

    def __str__(self):
        return f"{self.staff_id} / {self.requirement_id}"

    @property
    def standing(self) -> status.Standing:
        return status.Standing(
            required=True,
            completed_on=self.completed_on,
            expires_on=self.expires_on,
            due_on=self.due_on,
            paused_from=self.paused_from,
            paused_until=self.paused_until,
            renew_from=self.renew_from,
        )

    def state(self, today, due_soon_days: int | None = None) -> str:
        if due_soon_days is None:
            due_soon_days = getattr(settings, "PORTAL_DUE_SOON_DAYS", 30)
        return self.standing.state(today, due_soon_days)

    @property
    def label(self) -> str:
        """The tag's words as of today ("Paused until 3 March 2027" while paused)."""
        return status.label(self.state(timezone.localdate()), self.paused_until)

    @staticmethod
    def paused_on_q(today) -> models.Q:
        """Rows whose pause is in force on `today` (`Standing.paused_on` in SQL): out of every count and reminder."""
        return models.Q(paused_from__lte=today) & (
            models.Q(paused_until__isnull=True) | models.Q(paused_until__gte=today)
        )


class StatusInterval(models.Model):
    """The status table in effective time: for one person and requirement, a run of days (`valid_from` to the day
    before `valid_to`) over which their state did not change, as everything known now says it was. Built from the
    ledger's effective dates (a completion's day, a pause's days; a correction voids its fact from that fact's day)
    and the roster's (`people.StaffChange.effective_on`), by `intervals.intervals_rebuild`, in the same transaction
    as each fact that changes it. A report "as it was" on D reads the rows with valid_from <= D < valid_to."""

    FOREVER = datetime.date(9999, 12, 31)  # valid_to of a run still going: a date, so the range query needs no OR

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    valid_from = models.DateField()
    valid_to = models.DateField(help_text="The first day after the run (FOREVER while it goes on).")
    state = models.CharField(max_length=20)
    compliant = models.BooleanField(help_text="Holds a completion in date (what the figures count).")
    team = models.ForeignKey(Team, null=True, on_delete=models.PROTECT, related_name="+")
    staff_group = models.CharField(max_length=100, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["valid_to", "valid_from"], name="interval_range"),
            models.Index(fields=["staff", "requirement", "valid_from"], name="interval_person"),
        ]

    def __str__(self):
        return f"{self.staff_id} / {self.requirement_id}: {self.state} {self.valid_from} to {self.valid_to}"

    @classmethod
    def on_q(cls, day: datetime.date) -> models.Q:
        """The runs that hold on `day`."""
        return models.Q(valid_from__lte=day, valid_to__gt=day)


class CompletionBatch(models.Model):
    """One completions file from the national e-learning records, as kept before imports shared `ImportBatch`.
    Read-only: migration 0008 copied every row into ImportBatch (same id, so ledger entries' "import batch N" still
    name it); nothing writes here any more, and a later release drops the table."""

    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"Completions {self.filename} ({self.uploaded_at:%d %b %Y %H:%M})"


class ImportBatch(models.Model):
    """One uploaded file of any kind (roster, completions, organisation): its dry-run summary, and how far applying
    it has got. Applying runs in the task worker (portal.compliance.imports), which reports progress here."""

    ROSTER, COMPLETIONS, ORGANISATION = "roster", "completions", "organisation"
    KIND_CHOICES = [(ROSTER, "Staff roster"), (COMPLETIONS, "E-learning completions"), (ORGANISATION, "Organisation")]
    PLANNED, QUEUED, RUNNING, DONE, FAILED = "planned", "queued", "running", "done", "failed"
    STATUS_CHOICES = [
        (PLANNED, "Not applied"),
        (QUEUED, "Waiting to apply"),
        (RUNNING, "Applying"),
        (DONE, "Applied"),
        (FAILED, "Failed"),
    ]

    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=255, blank=True, help_text="The file in private storage.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    row_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True, help_text="The dry run's counts; the apply's once done.")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PLANNED)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    applied_via = models.CharField(max_length=100, blank=True, help_text="The door, when no one signed in asked.")
    applied_from = models.CharField(max_length=64, blank=True, help_text="The client address that asked to apply.")
    apply_started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(
        null=True, blank=True, help_text="The apply's last sign of life: asked for, started, or a chunk done."
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["kind", "uploaded_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename} ({self.uploaded_at:%d %b %Y %H:%M})"

    @property
    def in_progress(self) -> bool:
        return self.status in {self.QUEUED, self.RUNNING}

    @property
    def stalled(self) -> bool:
        """Waiting or applying with no sign of life since `stalled_before`: the task worker stopped part way
        (restarted, killed) or is not running. Applying again takes it over."""
        return self.in_progress and self.last_progress < stalled_before()

    @property
    def last_progress(self):
        """When applying it last showed a sign of life (batches from before `progress_at`: when it started)."""
        return self.progress_at or self.apply_started_at or self.uploaded_at

    @property
    def percent_done(self) -> int:
        return self.rows_done * 100 // self.rows_total if self.rows_total else 0


class CompetenceMapping(models.Model):
    """HR maps a national competence name (e.g. 'NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|') once."""

    competence_name = models.CharField(max_length=300, unique=True)
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="competence_mappings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["competence_name"]

    def __str__(self):
        return f"{self.competence_name} → {self.requirement}"

    def clean(self):
        """The CMS's form for mappings calls this: imported completions count only towards external courses."""
        if self.requirement_id and self.requirement.kind != Requirement.EXTERNAL_COURSE:
            raise ValidationError(
                {"requirement": "Choose an external course: imported completions cannot count towards this."}
            )


class _PrivateStorage(LazyObject):
    """storages["private"], looked up when first used and again after the STORAGES setting changes (as Django's own
    default_storage is), so that tests can point it somewhere else."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_reset(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage():
    return _private


class Certificate(models.Model):
    """A certificate a person uploaded for an external course, waiting for, or past, HR's verification."""

    # Withdrawn: HR verified it, then voided the ledger entry the verification made (`evidence_void`).
    PENDING, APPROVED, REJECTED, WITHDRAWN = "pending", "approved", "rejected", "withdrawn"
    STATUS_CHOICES = [
        (PENDING, "Waiting for HR"),
        (APPROVED, "Verified"),
        (REJECTED, "Rejected"),
        (WITHDRAWN, "Withdrawn by HR"),
    ]
    # What stands for the course: a copy of one of these (same file, or same completion date) is refused.
    STANDING = (PENDING, APPROVED)

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="certificates")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="certificates")
    file = models.FileField(upload_to="certificates/%Y/%m/", storage=private_storage, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    completed_on = models.DateField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Who uploaded it and who checked it are part of the evidence: the account cannot be deleted while they name it
    # (`portal.accounts.deletion` says so at the CMS's doors; PROTECT in code).
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    evidence = models.ForeignKey(EvidenceEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, help_text="The reason HR gave for voiding the verification.")

    class Meta:
        ordering = ["uploaded_at"]
        indexes = [models.Index(fields=["status", "uploaded_at"])]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"


class VerificationCode(models.Model):
    """The code printed on a completion certificate; /verify/<code> confirms it to whoever holds it."""

    code = models.CharField(max_length=20, unique=True)
    entry = models.OneToOneField(EvidenceEntry, on_delete=models.PROTECT, related_name="verification")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.code


class ReminderLog(models.Model):
    """A reminder sent. The unique constraint is what makes each (person, requirement, stage, due date) once-ever,
    even with two workers running at the same moment."""

    BEFORE, ON_DUE, AFTER, ESCALATE_MANAGER, ESCALATE_HR, DIGEST, BY_HAND = (
        "before",
        "on_due",
        "after",
        "manager",
        "hr",
        "digest",
        "by_hand",
    )
    STAGE_CHOICES = [
        (BEFORE, "Before the due date"),
        (ON_DUE, "On the due date"),
        (AFTER, "After the due date"),
        (ESCALATE_MANAGER, "Escalated to line manager"),
        (ESCALATE_HR, "Escalated to HR"),
        (DIGEST, "Manager's weekly digest"),
        (BY_HAND, "Sent by a manager from their team page"),
    ]

    staff = models.ForeignKey(StaffMember, null=True, on_delete=models.CASCADE, related_name="reminders")
    requirement = models.ForeignKey(Requirement, null=True, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=10, choices=STAGE_CHOICES)
    days_before = models.PositiveSmallIntegerField(
        default=0, help_text="For a reminder before the due date: how many days before it was due to go."
    )
    due_on = models.DateField(
        help_text="The due date the reminder was about (the digest's week for digests, the day sent for one sent by "
        "hand)."
    )
    recipient = models.EmailField()
    subject = models.CharField(max_length=255)
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when a manager sent it by hand.",
    )

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "requirement", "stage", "days_before", "due_on", "recipient"],
                name="reminder_once_ever",
            ),
            # The digest has no requirement (NULLs never clash in a unique index), so it has its own rule.
            models.UniqueConstraint(
                fields=["staff", "stage", "due_on", "recipient"],
                condition=models.Q(stage="digest"),
                name="digest_once_a_week",
            ),
            models.UniqueConstraint(
                fields=["staff", "stage", "due_on", "recipient"],
                condition=models.Q(stage="by_hand"),
                name="by_hand_once_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} to {self.recipient}"
