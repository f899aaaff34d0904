"""The status projection: each person's standing on each requirement now, and its runs in effective time."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.people.models import StaffMember, Team

from .. import status
from .ledger import EvidenceEntry
from .requirements import Requirement


class RequirementStatus(models.Model):
    """The status projection: one row per person and requirement that applies to them, rebuilt from the ledger."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="statuses")
    # PROTECT: a requirement anyone was measured against is retired, not deleted (`services.requirement_delete`).
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="statuses")
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
    # PROTECT: what reports about past days read, worked out from the requirement's terms (`requirement_delete`).
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
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
