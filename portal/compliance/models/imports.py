"""Imported completions and files: the batches, and how course names in a file map to requirements."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from portal.lib.stalled import stalled_before

from .requirements import Requirement


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
    # As long as the audit log's name for whoever acted: a command under sudo names two accounts, an API client its name
    applied_via = models.CharField(max_length=255, blank=True, help_text="The door, when no one signed in asked.")
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
