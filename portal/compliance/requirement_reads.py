"""What `services` reads about a requirement before it changes one: its terms as the audit log records them, whether
it is part of the record, and who holds a status on it. Reads only: the writes stay in `services`, the one gate."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from wagtail import hooks
from wagtail.models import PageViewRestriction

from portal.people.models import StaffMember, Team

from .models import EvidenceEntry, Requirement, RequirementStatus, StatusInterval
from .models.requirements import KEPT_FROM_STAFF, kept_from_staff


def requirement_terms(requirement: Requirement) -> dict:
    """The requirement's settings as plain values, as the audit log records them."""
    return {
        "name": requirement.name,
        "kind": requirement.kind,
        "page": requirement.page_id,
        "applies_to_everyone": requirement.applies_to_everyone,
        "staff_groups": sorted(requirement.staff_groups),
        "teams": teams_named(requirement),
        "job_title_patterns": list(requirement.job_title_patterns),
        "level_family": requirement.level_family,
        "level": requirement.level,
        "renewal_months": requirement.renewal_months,
        "new_starter_days": requirement.new_starter_days,
        "reminder_days": list(requirement.reminder_days),
        "introduced_on": requirement.introduced_on.isoformat(),
        "active": requirement.active,
        "retired_reason": requirement.retired_reason,
    }


def saved_as(requirement: Requirement) -> str:
    """What an edit page carries of the requirement as it was saved when the page was opened: a SHA-256 of every
    field and its teams. `services.requirement_save` compares it, under the requirement's lock, with the saved row, so
    a page opened before another save (the other door, another tab) cannot undo that save. One query (its teams)."""
    fields = {field.attname: field.value_to_string(requirement) for field in Requirement._meta.concrete_fields}
    fields["teams"] = sorted(requirement.teams.values_list("pk", flat=True))
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def asks_the_account(requirement: Requirement, user) -> bool:
    """Whether `requirement`, as it stands, asks the person whose account `user` is: in use, and they in post and in
    its audience. A change to it by `user` then changes their own standing, which the audit line says (`own_scope`).
    At most two queries (their staff record; the requirement's teams)."""
    if not requirement.active or not getattr(user, "pk", None):
        return False
    staff = StaffMember.objects.select_related("team").filter(user_id=user.pk).first()
    return staff is not None and not staff.has_left() and requirement.applies_to(staff)


def own_scope(name: str, asked_before: bool, asked_now: bool) -> str:
    """The audit line's words for a change to requirement `name` by someone it asked before the change (a requirement
    that asked them is changed by them, allowed and recorded, not refused: a requirement asks many people, and HR or
    an editor changing its terms for all of them is their job)."""
    if not asked_before:
        return name
    if asked_now:
        return f"{name}: changed by someone it asks"
    return f"{name}: changed by someone it asked, and it no longer asks them"


def requirement_on_record(requirement: Requirement) -> bool:
    """Whether evidence, a certificate or a re-attestation round names `requirement`: it is part of the record."""
    return (
        EvidenceEntry.objects.filter(requirement=requirement).exists()
        or requirement.certificates.exists()
        or requirement.rounds.exists()
    )


def requirement_records() -> list[tuple[str, object, str]]:
    """(what they are, in words; the rows; the lookup from a row to the requirement) for each kind of row an app
    registered as the record of what was sent or reported about a requirement (the `register_requirement_records`
    hook: this app may not import `reports`, whose kept figures are such rows)."""
    return [record for register in hooks.get_hooks("register_requirement_records") for record in register()]


def requirement_history_held(requirement: Requirement) -> list[str]:
    """What, besides evidence, certificates and rounds (`requirement_on_record`), keeps `requirement` on the record:
    the words of each kind of registered row that names it ("reminders sent about it", ...), in the order registered.
    One query: the requirement, with an EXISTS for each kind."""
    records = requirement_records()
    holds = {
        f"holds_{n}": Exists(rows.filter(**{lookup: OuterRef("pk")})) for n, (_, rows, lookup) in enumerate(records)
    }
    held = Requirement.objects.filter(pk=requirement.pk).annotate(**holds).values_list(*holds).first() or ()
    return [what for (what, _, _), holds_them in zip(records, held, strict=False) if holds_them]


def requirement_history_refusal(requirement: Requirement) -> str:
    """Why `requirement` cannot be deleted, in words, if rows that are the record of what was sent or reported about
    it name it (`requirement_history_held`); else ""."""
    held = requirement_history_held(requirement)
    if not held:
        return ""
    words = " and ".join([", ".join(held[:-1]), held[-1]] if len(held) > 1 else held)
    return (
        f"“{requirement}” has {words} on record, so it cannot be deleted: they are what the portal sent and reported. "
        "Retire it instead by unticking “Active”. People keep their history, and it stops counting from then on."
    )


def requirement_measured_refusal(requirement: Requirement) -> str:
    """Why `requirement` cannot be deleted, in words, if anyone was ever measured against it: a status row or a run in
    effective time (`status_holders`), which reports about past days read ("as it was") and which are worked out from
    the requirement's own terms, so that without it they could be neither read nor rebuilt; else "". Two queries."""
    people = len(status_holders(requirement))
    if not people:
        return ""
    return (
        f"“{requirement}” has been applied to {people} {'person' if people == 1 else 'people'}, so it cannot be "
        "deleted: their status on it, day by day, is what reports about past days read, and without the requirement "
        "it cannot be worked out again. Retire it instead by unticking “Active”. People keep their history, and it "
        "stops counting from then on."
    )


def refuse_a_new_task_on_record(requirement: Requirement, field: str) -> None:
    """A requirement's kind and page say what its evidence is evidence of: once it has any, another policy or module
    would count that evidence (an attestation pinned to one policy's text) as done for something nobody did. Before
    then, a change is a standing change like any other."""
    if requirement_on_record(requirement):
        raise ValidationError(
            {
                field: f"“{requirement}” has evidence recorded against it, so what people must do cannot be changed: "
                "add a new requirement for the new policy, module or course and retire this one. People keep their "
                "history, and it stops counting from then on."
            }
        )


def teams_named(requirement: Requirement) -> list[str]:
    """The requirement's teams by name, with the code of each whose name another team shares: team names are not
    unique (two directorates may each have a Finance team), codes are."""
    namesake = Team.objects.filter(name=OuterRef("name")).exclude(pk=OuterRef("pk"))
    teams = requirement.teams.annotate(shared=Exists(namesake)).values_list("name", "code", "shared")
    return sorted(f"{name} ({code})" if shared else name for name, code, shared in teams)


def team_codes(requirement: Requirement) -> set[str]:
    return set(requirement.teams.values_list("code", flat=True))


def status_holders(requirement: Requirement) -> set[int]:
    """Everyone with a status row on `requirement`, or a run in its history (a leaver too: "as it was" reads the
    requirement as it is now, so their past runs follow its changes)."""
    holders = set(RequirementStatus.objects.filter(requirement=requirement).values_list("staff_id", flat=True))
    return holders | set(
        StatusInterval.objects.filter(requirement=requirement).values_list("staff_id", flat=True).distinct()
    )


def requirements_kept_from_staff(requirements) -> dict[int, str]:
    """For each requirement in use whose page a password, or certain groups only, keeps from the staff asked (the
    page's Privacy in the CMS, set on it, on a page above it or on the original of the alias it is): what that does,
    in words. The CMS refuses such a setting now (`modules.privacy`), but one made before, or by a door not yet
    closed, stays until an editor changes it. `requirements` come with their pages; one query however many there are
    (restrictions of these kinds are few). An alias above the page is not followed to its original."""
    restrictions = list(
        PageViewRestriction.objects.filter(restriction_type__in=KEPT_FROM_STAFF)
        .select_related("page")
        .order_by("page__depth", "pk")
    )
    kept = {}
    for requirement in requirements:
        page = requirement.page
        if not (requirement.active and page and restrictions):
            continue
        for restriction in restrictions:
            if page.path.startswith(restriction.page.path) or restriction.page_id == page.alias_of_id:
                kept[requirement.pk] = kept_from_staff(page, restriction)
                break
    return kept
