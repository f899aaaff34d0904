"""Who must do what once a roster applies, for its dry run: each requirement whose number of people in post changes.

A requirement applies by staff group, team and job title (`Requirement.applies_to_values`), and the roster is where
those come from. A file whose staff groups are spelt differently from last time (a Staff in Post report run another
way, ESR renaming a group), or that moves a directorate, takes people out of a requirement without a word: their
status rows go, and the reports show the requirement met by fewer people, or by nobody. The dry run says so before
anything changes.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from portal.people.models import StaffMember, Team
from portal.people.roster import RosterPlan

from .models import Requirement

FACTS = ("start_date", "leave_date", "team_id", "staff_group", "job_title")


@dataclass(frozen=True)
class AudienceChange:
    requirement: Requirement
    now: int  # people in post it applies to today
    after: int  # once the roster applies

    @property
    def to_no_one(self) -> bool:
        return self.after == 0


def roster_audiences(plan: RosterPlan, *, today: datetime.date | None = None) -> list[AudienceChange]:
    """The requirements in use (those asked of everyone aside) whose number of people in post today changes when
    `plan` applies, by name. Everyone on the roster is read (a few columns each), and counted by their facts (a few
    thousand distinct sets in a large trust), not one by one. Four queries."""
    today = today or timezone.localdate()
    requirements = _requirements(today)
    if not requirements:
        return []
    return audiences_changed(roster_fact_counts(plan, today=today), requirements=requirements, today=today)


def roster_fact_counts(plan: RosterPlan, *, today: datetime.date | None = None) -> list[list]:
    """How many people in post today have each set of the facts a requirement's audience is drawn by (team, staff
    group, job title), now and once `plan` applies: [team id, staff group, job title, now, after] for each set (a few
    thousand in a large trust: small enough to keep with a dry run). Every set, not only those whose counts differ:
    a requirement's counts are of everyone it applies to, so one drawn by a staff group that the file moves one person
    out of must count the rest too (else it reads '1 now, 0 once applied', to no one). One query."""
    today = today or timezone.localdate()
    diffs = {staff.pk: changes for staff, _, changes in plan.to_change}
    now, after = Counter(), Counter()
    for pk, *values in StaffMember.objects.values_list("pk", *FACTS).iterator(chunk_size=2000):
        facts = dict(zip(FACTS, values, strict=True))
        if _in_post(facts, today):
            now[_key(facts)] += 1
        facts.update({name: new for name, (_, new) in diffs.get(pk, {}).items() if name in facts})
        if _in_post(facts, today):
            after[_key(facts)] += 1
    for person in plan.to_create:
        facts = {name: person.fields.get(name) for name in FACTS}
        if _in_post(facts, today):
            after[_key(facts)] += 1
    keys = [*now, *(key for key in after if key not in now)]
    return [[*key, now[key], after[key]] for key in keys]


def audiences_changed(
    counts: list[list], *, requirements: list[Requirement] | None = None, today: datetime.date | None = None
) -> list[AudienceChange]:
    """The requirements in use (those asked of everyone aside), by name, whose number of people in post changes by
    `counts` (`roster_fact_counts`). Three queries (two when `requirements` are given), whatever the counts."""
    today = today or timezone.localdate()
    requirements = _requirements(today) if requirements is None else requirements
    if not requirements:
        return []
    paths = dict(Team.objects.values_list("pk", "path"))
    changes = []
    for requirement in sorted(requirements, key=lambda r: r.name.lower()):
        team_paths = [team.path for team in requirement.teams.all()]
        applies = [(now, after) for *facts, now, after in counts if _applies(requirement, team_paths, paths, *facts)]
        before, once = sum(now for now, _ in applies), sum(after for _, after in applies)
        if before != once:
            changes.append(AudienceChange(requirement, before, once))
    return changes


def _requirements(today: datetime.date) -> list[Requirement]:
    """The requirements in use today that are not asked of everyone (two queries: them, their teams)."""
    in_use = Requirement.objects.in_use_on(today).prefetch_related("teams")
    return [requirement for requirement in in_use if not requirement.applies_to_everyone]


def _in_post(facts: dict, today: datetime.date) -> bool:
    start, leave = facts["start_date"], facts["leave_date"]
    return start is not None and start <= today and (leave is None or leave >= today)


def _key(facts: dict) -> tuple:
    return facts["team_id"], facts["staff_group"] or "", facts["job_title"] or ""


def _applies(requirement: Requirement, team_paths, paths, team_id, group, title) -> bool:
    return requirement.applies_to_values(group, paths.get(team_id), team_paths, job_title=title)
