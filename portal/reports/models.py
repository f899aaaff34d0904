from functools import cached_property

from django.conf import settings
from django.db import models

from portal.compliance.models import private_storage
from portal.lib.stalled import stalled_before
from portal.people.models import Team

from . import basis as clocks
from .file_names import filters_in_name


class EvidencePack(models.Model):
    """A PDF evidence pack and its CSV twin for a part of the organisation as at a day, on one of the two clocks
    (`reports.basis`), built in the background.

    Its cut-off (the facts recorded before it are in the pack) is fixed when the pack is asked for: as recorded
    then, the end of the chosen day (or the moment of asking, for today); as it was, the moment of asking, so the
    pack reads everything known then about the day. Either way the pack can be rebuilt, and checked, from the
    records at any later time."""

    QUEUED, RUNNING, DONE, FAILED, REMOVED = "queued", "running", "done", "failed", "removed"
    STATUS_CHOICES = [
        (QUEUED, "Waiting to start"),
        (RUNNING, "Being made"),
        (DONE, "Ready"),
        (FAILED, "Failed"),
        (REMOVED, "Files removed"),
    ]

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    as_at = models.DateField(help_text="The day the pack reports on.")
    cutoff = models.DateTimeField(help_text="Evidence recorded before this moment is in the pack.")
    basis = models.CharField(
        max_length=12,
        choices=clocks.CHOICES,
        default=clocks.AS_RECORDED,
        help_text="The clock the day is read on. Packs made before there was a choice were as recorded then.",
    )
    requirement = models.ForeignKey(
        "compliance.Requirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only this requirement's rows, as the report was filtered; empty: every one.",
    )
    staff_group = models.CharField(
        max_length=100, blank=True, help_text="Just the people in this staff group that day; empty: everyone."
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    people_total = models.PositiveIntegerField(default=0)
    people_done = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(
        null=True, blank=True, help_text="Making it last showed a sign of life: asked for, started, or people done."
    )
    making = models.PositiveIntegerField(
        default=1,
        help_text="Which making of the pack is the one that counts: one more each time it is made again "
        "(views_packs.pack_again). A making overtaken by a later one writes nothing here and keeps none of its files.",
    )
    error = models.TextField(blank=True)
    removed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its files were removed, PORTAL_PACK_KEEP_DAYS after it was made (reports.retention).",
    )
    # Room for the whole stem (`stem`: a requirement and a staff group's words run it past 100): a name cut to the
    # default 100 characters is shortened by the storage with a random ending, losing the pack's id.
    pdf = models.FileField(upload_to="packs/%Y/%m/", storage=private_storage, blank=True, max_length=255)
    csv = models.FileField(upload_to="packs/%Y/%m/", storage=private_storage, blank=True, max_length=255)
    csv_sha256 = models.CharField(max_length=64, blank=True)
    pdf_sha256 = models.CharField(
        max_length=64,
        blank=True,
        help_text="The PDF's SHA-256 as made, which verify_pack checks a copy against (its manifest names the CSV's "
        "and the ledger's alone). Empty for packs made before it was kept: only their manifest can be checked.",
    )
    ledger_seq = models.PositiveBigIntegerField(null=True, blank=True)
    ledger_head_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Evidence pack for {self.team} as at {self.as_at:%d %b %Y}"

    @property
    def filters(self):
        """What the pack is narrowed to (`exports.Filters`)."""
        from .exports import Filters

        return Filters(self.requirement, self.staff_group)

    def filters_named(self):
        """The filters as the pack names them (`Filters.named_on`): the requirement by its name on the pack's day,
        from its history recorded before the pack's cut-off, as its cover, manifest and CSV twin say it, whatever it
        is called today. A query or two when it is narrowed to a requirement, none otherwise."""
        return self.filters.named_on(self.as_at, self.cutoff)

    @property
    def percent_done(self) -> int:
        if self.status == self.DONE:
            return 100
        return self.people_done * 100 // self.people_total if self.people_total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in {self.QUEUED, self.RUNNING}

    @property
    def stalled(self) -> bool:
        """Waiting or being made with no sign of life since `stalled_before`: the task worker stopped part way
        (restarted, killed) or is not running. Making it again starts it over (`pack_again`)."""
        return self.in_progress and self.last_progress < stalled_before()

    @property
    def last_progress(self):
        """When making it last showed a sign of life (packs from before `progress_at`: when it was asked for)."""
        return self.progress_at or self.requested_at

    @cached_property
    def stem(self) -> str:
        """The files' name: the team's code (a slash in it, which no file name holds, a hyphen), the day and the clock
        (which the CSV twin says nowhere else), what it is narrowed to, as its cover names it (`filters_named`: a
        query or two when narrowed to a requirement), its id."""
        code = self.team.code.replace("/", "-").replace("\\", "-")
        narrowed = filters_in_name(self.filters_named())
        return f"evidence-pack-{code}-{self.as_at:%Y-%m-%d}-{clocks.FILE_WORDS[self.basis]}{narrowed}-{self.pk}"


class KeptDay(models.Model):
    """A day whose figures are kept in DailyFigure: written in the same transaction as them, so a day is kept whole
    or not at all (and a day on which nobody was required to do anything is still known to be kept)."""

    day = models.DateField(unique=True)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self):
        return f"Figures kept for {self.day}"


class DailyFigure(models.Model):
    """How many people in a team and staff group a requirement applied to at the end of a past day, how many were
    compliant and how many overdue.

    A report as at a past day never changes (the ledger and the roster history are append-only), so once a day has
    ended its figures can be computed from the ledger once and read ever after. The organisation report as at a past
    day and the 12-month trend read these rows; people sit in the team the roster had them in on that day."""

    day = models.DateField()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    staff_group = models.CharField(max_length=100, blank=True)
    # PROTECT: a kept day is kept whole and never made again, so a requirement's figures going would change it.
    requirement = models.ForeignKey("compliance.Requirement", on_delete=models.PROTECT, related_name="+")
    required = models.PositiveIntegerField()
    compliant = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "team", "staff_group", "requirement"], name="one_figure_per_cell")
        ]

    def __str__(self):
        return f"{self.day} {self.team_id}/{self.staff_group}/{self.requirement_id}: {self.compliant}/{self.required}"
