"""What staff must do: requirements, who they apply to (by staff group, team and job title) and their reminders."""

import datetime
import re
from collections.abc import Collection, Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from portal.lib.text import hidden_character
from portal.people.models import StaffMember, Team

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


def levels_above_among(requirements: Iterable["Requirement"]) -> dict[int, list["Requirement"]]:
    """`RequirementQuerySet.levels_above` of the requirements given (with their terms on some day): for each one in a
    level family, those of the same family at a higher level. No query."""
    levelled = [r for r in requirements if r.level_family and r.level is not None]
    return {
        requirement.pk: [
            other
            for other in levelled
            if other.level_family == requirement.level_family and other.level > requirement.level
        ]
        for requirement in levelled
    }


class RequirementQuerySet(models.QuerySet):
    def in_use_on(self, day: datetime.date):
        """Requirements in use on `day`: introduced by then, and active or retired after it (a report about an earlier
        day counts them, and leaves out one introduced later)."""
        return self.filter(models.Q(active=True) | models.Q(retired_on__gt=day), introduced_on__lte=day)

    def levels_above(self) -> dict[int, list["Requirement"]]:
        """For each requirement in a level family today, the requirements of the same family at a higher level:
        evidence for any of them satisfies it (Safeguarding Adults Level 3 satisfies Levels 1 and 2). One query. A
        report about a past day reads the families as they stood then (`requirement_history.levels_by_day`)."""
        return levels_above_among(self.model.objects.exclude(level_family="").filter(level__isnull=False))


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


KEPT_FROM_STAFF = {  # a page's Privacy in the CMS that keeps out staff asked to do what it holds, and whom
    PageViewRestriction.PASSWORD: ("behind a password", "who have not been given it"),
    PageViewRestriction.GROUPS: ("for certain groups only", "who are not in them"),
}


def kept_from_staff(page, restriction: PageViewRestriction) -> str:
    """What `restriction` (on `page` or a page above it, its `page` loaded) does to the staff asked to do `page`."""
    how, who = KEPT_FROM_STAFF[restriction.restriction_type]
    where = "" if restriction.page_id == page.pk else f" (set on “{restriction.page.title}”, above it)"
    return f"“{page.title}” is kept {how} in the CMS{where}: staff asked to do it {who} could not open it."


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
            elif problem := self._page_alias_problem() or self._page_privacy_problem():
                errors["page"] = problem
        if not self.active and not self.retired_reason.strip():
            errors["retired_reason"] = "Give the reason for retiring the requirement."
        if errors:
            raise ValidationError(errors)

    def _page_alias_problem(self) -> str:
        """An alias of a module (made before the CMS refused them) takes no work: its visitors are sent to the module
        and their completions are the module's. One query, for an alias only."""
        if not self.active or self.kind != self.COMPLETE_MODULE or not self.page.alias_of_id:
            return ""
        module = Page.objects.filter(pk=self.page.alias_of_id).only("title").first()
        return (
            f"“{self.page.title}” is an alias of the module “{module.title if module else ''}”, and work is done on "
            "the module itself: choose the module."
        )

    def _page_privacy_problem(self) -> str:
        """A password, or certain groups only, set on the page in the CMS (its Privacy) or on a page above it, keeps
        out the staff asked who were not given the password or are not in the groups. The CMS refuses one on a page a
        requirement in use names (`modules.privacy`); this refuses the page to a requirement put in use. Two queries."""
        if not self.active:
            return ""
        restrictions = self.page.get_view_restrictions().filter(restriction_type__in=KEPT_FROM_STAFF)
        restriction = restrictions.select_related("page").order_by("page__depth").first()
        if restriction is None:
            return ""
        return (
            f"{kept_from_staff(self.page, restriction)} Have a CMS editor set that page's Privacy to “Private, "
            "accessible to any logged-in users” or to “Public” first."
        )

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

    def applies_to(
        self,
        staff: StaffMember,
        team_paths: list[str] | None = None,
        *,
        place: tuple[int, ...] | None = None,
        team_ids: Collection[int] = (),
    ) -> bool:
        """Whether this requirement's audience takes in `staff` (when it is in force is `in_force_on`). `team_paths`
        are the paths of self.teams (pass them in when checking many people, to avoid a query each). `staff` may be
        a StaffChange row: the roster as it was, with its team's `place` in the tree that day and the requirement's
        `team_ids` (`applies_to_values`)."""
        if self.applies_to_everyone:
            return True
        if place is not None:
            return self.applies_to_values(
                staff.staff_group, None, [], job_title=staff.job_title, place=place, team_ids=team_ids
            )
        paths = team_paths if team_paths is not None else [t.path for t in self.teams.all()]
        return self.applies_to_values(
            staff.staff_group, staff.team.path if staff.team else None, paths, job_title=staff.job_title
        )

    def applies_to_values(
        self,
        staff_group: str,
        team_path: str | None,
        team_paths: list[str],
        job_title: str = "",
        *,
        place: tuple[int, ...] | None = None,
        team_ids: Collection[int] = (),
    ) -> bool:
        """`applies_to` on plain values: a staff group, a team's path and a job title. Any one criterion that
        matches makes it apply. `projection.audience_ids` is the same rule in SQL.

        About a day the tree may have changed since, the team is given by its `place` that day (its id and the ids of
        the teams above it then, `people.team_history.TreeHistory.place`) and the requirement's teams by id
        (`team_ids`): it applies to a team that was below one of them then, wherever that team is now."""
        if self.applies_to_everyone or (staff_group and staff_group in self.staff_groups):
            return True
        if place is not None:
            if any(pk in place for pk in team_ids):
                return True
        elif team_path is not None and any(team_path.startswith(p) for p in team_paths):
            return True
        return any(job_title_matches(pattern, job_title) for pattern in self.job_title_patterns)
