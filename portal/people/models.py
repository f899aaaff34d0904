from django.conf import settings
from django.db import models
from treebeard.mp_tree import MP_Node


def _today():
    from django.utils import timezone

    return timezone.localdate()


class Team(MP_Node):
    """A node in the organisation: organisation > directorate > team > sub-team.

    The materialised path makes "this team and every team below it" one indexed prefix match.
    """

    ORGANISATION, DIRECTORATE, TEAM, SUB_TEAM = "organisation", "directorate", "team", "sub_team"
    KIND_CHOICES = [
        (ORGANISATION, "Organisation"),
        (DIRECTORATE, "Directorate"),
        (TEAM, "Team"),
        (SUB_TEAM, "Sub-team"),
    ]

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=60, unique=True, help_text="The organisation's own code, e.g. ESR org code.")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default=TEAM)
    closed_on = models.DateField(
        null=True, blank=True, help_text="The day the team closed: nobody new is placed in it from then on."
    )

    node_order_by = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def subtree(self):
        return Team.objects.filter(path__startswith=self.path)


def not_left_q(on, prefix: str = "") -> models.Q:
    """Not left by `on`: the leave date is ESR's termination date, the last day of service, so on it the person is
    still here. `prefix` reaches the person from another model ("staff__")."""
    return models.Q(**{f"{prefix}leave_date__isnull": True}) | models.Q(**{f"{prefix}leave_date__gte": on})


def in_post_q(on, prefix: str = "") -> models.Q:
    """In post on `on`: started by then and not left (`not_left_q`). A future starter is on the roster, with status
    rows written when the roster added them, but nothing is asked of them before their first day: the live reports,
    their exports, HR's lists and the reminders count them from their start date. `prefix` as `not_left_q`."""
    return models.Q(**{f"{prefix}start_date__lte": on}) & not_left_q(on, prefix)


class StaffMemberQuerySet(models.QuerySet):
    def current(self, on=None):
        """People who have not left (on the given date, default today): `not_left_q`."""
        from django.utils import timezone

        return self.filter(not_left_q(on or timezone.localdate()))

    def in_post(self, on=None):
        """People in post (on the given date, default today): `in_post_q`."""
        from django.utils import timezone

        return self.filter(in_post_q(on or timezone.localdate()))

    def in_teams(self, teams):
        """People in any of `teams` or the teams below them."""
        condition = models.Q(pk__in=[])
        for team in teams:
            condition |= models.Q(team__path__startswith=team.path)
        return self.filter(condition)


class StaffMember(models.Model):
    SUBSTANTIVE, BANK, AGENCY = "substantive", "bank", "agency"
    EMPLOYMENT_CHOICES = [(SUBSTANTIVE, "Substantive"), (BANK, "Bank"), (AGENCY, "Agency")]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    employee_number = models.CharField(max_length=30, unique=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    work_email = models.EmailField(unique=True)
    job_title = models.CharField(max_length=200, blank=True)
    staff_group = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    start_date = models.DateField()
    leave_date = models.DateField(null=True, blank=True)
    employment_type = models.CharField(max_length=20, choices=EMPLOYMENT_CHOICES, default=SUBSTANTIVE)

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "employee_number"]
        indexes = [models.Index(fields=["team", "leave_date"])]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_agency_or_bank(self) -> bool:
        return self.employment_type in {self.BANK, self.AGENCY}

    def has_left(self, on=None) -> bool:
        """Whether `on` (default today) is after the person's last day of service (their leave date)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.leave_date is not None and self.leave_date < on


# The post the portal gives someone a file named without an Assignment Number: numbered like their employee number.
IMPLICIT = models.Q(number=models.F("staff__employee_number"))


class AssignmentQuerySet(models.QuerySet):
    def held(self, on=None):
        """Posts held on `on` (default today): the post's own row says it had started and not ended (a post from
        before the portal kept its dates has none, and counts as held), its holder is in post (`in_post_q`), and its
        team had not closed by then (a closed team's managers end that day, and the roster refuses a post there; a
        team with a post still held in it may close, as only people in post stop that). A post numbered like its
        holder's employee number is not one: it is the portal's stand-in for the one post of someone a file named
        without an Assignment Number (`IMPLICIT`), which a later file giving their posts' numbers never names again,
        so its team may be one they left."""
        from django.utils import timezone

        on = on or timezone.localdate()
        started = models.Q(start_date__isnull=True) | models.Q(start_date__lte=on)
        team_open = models.Q(team__closed_on__isnull=True) | models.Q(team__closed_on__gt=on)
        held = self.filter(started, not_left_q(on), in_post_q(on, prefix="staff__"), team_open)
        return held.exclude(IMPLICIT)

    def in_teams(self, teams):
        """Posts in any of `teams` or the teams below them."""
        condition = models.Q(pk__in=[])
        for team in teams:
            condition |= models.Q(team__path__startswith=team.path)
        return self.filter(condition)


class Assignment(models.Model):
    """An ESR assignment number, one per post; a second post has the suffix -2. Each post keeps the team, start date
    and leave date its own roster row gives (`team` empty for a post kept from before the portal read them, when its
    holder held several). The person's team, line manager and standing come from one of their posts
    (portal.people.roster); a post in another team only lets that team's managers see them (portal.reports.posts)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="assignments")
    number = models.CharField(max_length=40, unique=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="posts")
    start_date = models.DateField(null=True, blank=True)
    leave_date = models.DateField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return self.number


class TeamManagerQuerySet(models.QuerySet):
    def current(self, on=None):
        """Managers who have started and not stopped (on the given date, default today)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on))


class TeamManager(models.Model):
    """A manager of a team sees that team and every team below it, from `started_on` until `ended_on` (the first day
    they no longer manage it). Ending a manager keeps the row, so who managed which team when stays answerable."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="managed_teams")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="managers")
    started_on = models.DateField(default=_today)
    ended_on = models.DateField(null=True, blank=True)

    objects = TeamManagerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "team"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_manager_row_per_team",
            )
        ]

    def __str__(self):
        return f"{self.staff} manages {self.team}"

    def is_current(self, on=None) -> bool:
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.started_on <= on and (self.ended_on is None or self.ended_on > on)

    def has_ended(self, on=None) -> bool:
        """Whether the assignment is over by `on` (default today); one with a later end date can still end sooner."""
        from django.utils import timezone

        return self.ended_on is not None and self.ended_on <= (on or timezone.localdate())


class RosterBatch(models.Model):
    """One roster file HR uploaded: its dry-run plan, and when (and whether) it was applied."""

    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True, help_text="Counts of created, changed, leavers, rejected.")

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"Roster {self.filename} ({self.uploaded_at:%d %b %Y %H:%M})"


class StaffChange(models.Model):
    """Append-only history of the roster facts reports group by, on two clocks: `recorded_at`, when the portal learnt
    them (a report "as recorded then" reads the last row recorded by its day), and `effective_on`, the day they took
    effect in the world (a report "as it was" reads, of the rows in effect by its day, the one recorded last: the
    latest word on that day). A person's first row stands for the time before it too, from their start date."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="changes")
    recorded_at = models.DateTimeField(db_index=True)
    effective_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the change took effect (a starter's start date, a move's date as the roster file gives "
        "it); empty for rows kept before the portal recorded it, which took effect the day they were recorded.",
    )
    team = models.ForeignKey(Team, null=True, on_delete=models.PROTECT, related_name="+")
    staff_group = models.CharField(max_length=100, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    line_manager = models.ForeignKey(StaffMember, null=True, on_delete=models.SET_NULL, related_name="+")
    start_date = models.DateField()
    leave_date = models.DateField(null=True, blank=True)
    employment_type = models.CharField(max_length=20)

    class Meta:
        ordering = ["staff", "recorded_at", "pk"]
        indexes = [models.Index(fields=["staff", "recorded_at"])]

    def __str__(self):
        return f"{self.staff_id} at {self.recorded_at:%Y-%m-%d %H:%M}"

    @property
    def effective_day(self):
        """The day the row took effect: `effective_on`, or the London day it was recorded for older rows."""
        if self.effective_on is not None:
            return self.effective_on
        from django.utils import timezone

        return timezone.localtime(self.recorded_at).date()

    TRACKED = (
        "team_id",
        "staff_group",
        "job_title",
        "line_manager_id",
        "start_date",
        "leave_date",
        "employment_type",
    )


class AppendOnly(Exception):
    """A history row was asked to change or go: history is only ever added to."""


class TeamChangeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Team history rows are never updated: record a new row instead.")

    def delete(self):
        raise AppendOnly("Team history rows are never deleted.")


class TeamChange(models.Model):
    """Append-only history of the team tree, on the two clocks `StaffChange` keeps: each row is a team's whole state
    (name, code, kind, parent, closing day) from `effective_on` (the day of the change: a closing dated back keeps its
    date in `closed_on`, since a row dated back would carry back later changes too), recorded at `recorded_at`. Added
    in the same
    transaction as every change to a team (`compliance.organisation`: add, rename, move, close; the organisation
    import goes through them) and by the demo loader. A move writes a row for the moved team only: the teams below it
    follow it, as their parent is unchanged.

    `effective_on` empty marks a team's first row kept from before the tree had a history (migration people 0007, or
    the first change to a team made elsewhere): it stands for all time before the team's next row, and counts as
    known at any cut-off. Read it through `people.team_history.tree_on`."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="history")
    recorded_at = models.DateTimeField(db_index=True)
    effective_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the state took effect; empty: always, before the team's first recorded change.",
    )
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=60)
    kind = models.CharField(max_length=20, choices=Team.KIND_CHOICES)
    parent = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(null=True, blank=True)

    objects = TeamChangeQuerySet.as_manager()

    class Meta:
        ordering = ["team", "recorded_at", "pk"]
        indexes = [models.Index(fields=["team", "recorded_at"])]

    def __str__(self):
        return f"{self.name} ({self.code}) at {self.recorded_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Team history rows are never updated: record a new row instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Team history rows are never deleted.")


class IdentityChangeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Identity history rows are never updated: record a new row instead.")

    def delete(self):
        raise AppendOnly("Identity history rows are never deleted (they go with the person).")


class IdentityChange(models.Model):
    """Append-only history of who a person is on paper: their employee number and name, from `recorded_at`. A new
    row whenever either differs from the person's last (`history.staff_changes_record`: the roster import, the demo
    loader). What the portal issues about a moment names people as it knew them then (`history.identities_before`):
    an evidence pack rebuilt after someone is renamed still reads as it did.

    `recorded_at` empty marks a person's first row kept from before the portal kept names (migration people 0008): it
    stands for all time before the person's next row."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="identities")
    recorded_at = models.DateTimeField(null=True, blank=True, db_index=True)
    employee_number = models.CharField(max_length=30)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)

    objects = IdentityChangeQuerySet.as_manager()

    class Meta:
        ordering = ["staff", models.F("recorded_at").asc(nulls_first=True), "pk"]
        indexes = [models.Index(fields=["staff", "recorded_at"], name="people_identity_staff_at")]

    def __str__(self):
        return f"{self.full_name} ({self.employee_number})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Identity history rows are never updated: record a new row instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Identity history rows are never deleted (they go with the person).")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
