"""The history of each requirement's terms: who it applied to and when they were due, as it stood from day to day."""

import datetime

from django.db import models

from portal.people.models import AppendOnly

from .requirements import Requirement

# The fields of a requirement a history row copies: everything that decides who it applies to and when someone is
# due (its teams are kept by id, in `team_ids`), and its name, as packs and exports name it.
KEPT_FIELDS = (
    "name",
    "kind",
    "applies_to_everyone",
    "staff_groups",
    "job_title_patterns",
    "level_family",
    "level",
    "renewal_months",
    "new_starter_days",
    "introduced_on",
    "active",
    "retired_on",
)


class RequirementChangeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Requirement history rows are never updated: record a new row instead.")

    def delete(self):
        raise AppendOnly("Requirement history rows are never deleted.")


class RequirementChange(models.Model):
    """Append-only history of a requirement's terms, on the two clocks: each row is the requirement's whole state
    (KEPT_FIELDS and its teams by id) from `effective_on`, the day it was recorded, recorded at `recorded_at`. Added
    by `services.requirement_save` (HR's pages, the CMS) in the same transaction as the change, and by the demo
    loader.

    `effective_on` empty marks a requirement's first row kept from before it had a history (migration compliance 0021,
    or the first change to a requirement made elsewhere): it stands for all time before the requirement's next row,
    and counts as known at any cut-off. Read it through `compliance.requirement_history`.

    The link to the requirement is no constraint: a requirement added by mistake can still be deleted (nothing is on
    record against it), and its history stays."""

    requirement = models.ForeignKey(
        Requirement, on_delete=models.DO_NOTHING, db_constraint=False, related_name="history"
    )
    recorded_at = models.DateTimeField(db_index=True)
    effective_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day its terms took effect; empty: always, before its first recorded change.",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Requirement.KIND_CHOICES)
    applies_to_everyone = models.BooleanField()
    staff_groups = models.JSONField(default=list)
    team_ids = models.JSONField(default=list, help_text="The ids of the teams it applied to (and those below them).")
    job_title_patterns = models.JSONField(default=list)
    level_family = models.CharField(max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    renewal_months = models.PositiveSmallIntegerField(null=True, blank=True)
    new_starter_days = models.PositiveSmallIntegerField()
    introduced_on = models.DateField()
    active = models.BooleanField()
    retired_on = models.DateField(null=True, blank=True)

    objects = RequirementChangeQuerySet.as_manager()

    class Meta:
        ordering = ["requirement", "recorded_at", "pk"]
        indexes = [models.Index(fields=["requirement", "recorded_at"])]

    def __str__(self):
        return f"{self.name} at {self.recorded_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Requirement history rows are never updated: record a new row instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Requirement history rows are never deleted.")

    def terms(self) -> tuple:
        """The state the row keeps, to tell two rows apart."""
        return (*(getattr(self, field) for field in KEPT_FIELDS), sorted(self.team_ids))

    def as_requirement(self) -> Requirement:
        """The requirement as this row keeps it: an unsaved copy with its id, its teams' ids in `team_ids` (its
        `teams` relation reads today's: use the ids)."""
        requirement = Requirement(pk=self.requirement_id, **{field: getattr(self, field) for field in KEPT_FIELDS})
        requirement.kept_team_ids = set(self.team_ids)
        return requirement

    @classmethod
    def state_of(cls, requirement: Requirement, team_ids) -> dict:
        """The fields of a row keeping `requirement`'s terms now, with its teams' ids `team_ids`."""
        return {
            **{field: getattr(requirement, field) for field in KEPT_FIELDS},
            "team_ids": sorted(team_ids),
        }

    def effective_from(self) -> datetime.date:
        return self.effective_on or datetime.date.min
