"""Course mappings: which requirement a national course name's imported completions count towards.

Every door that changes one (HR's batch page, the CMS's add, edit, delete and bulk delete, a requirement's delete)
goes through this module, which makes the change and writes its audit line ("Changed a course mapping", with what
changed) in one transaction, under one lock: a mapping re-pointed sends every later import's completions of the
course elsewhere, so who did it, and what it was before, is part of the record. Who made a mapping (`created_by`)
stays who made it; who changed it since is in the audit log."""

from django.db import connection, transaction

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.text import hidden_character

from .models import CompetenceMapping, Requirement

_MAPPINGS_LOCK = 0x3A99E5  # PostgreSQL's one-key advisory lock that `mappings_lock` holds


class MappingError(ValueError):
    """Why a course cannot be mapped to a requirement, in words for HR."""


def competence_key(name: str) -> str:
    """How a course name is matched to its mapping: capitals and runs of spaces do not matter, as a national file may
    write "Level 1" one month and "level 1" the next."""
    return " ".join(name.split()).casefold()


def competence_mapping_twin(competence: str, exclude_pk: int | None = None) -> CompetenceMapping | None:
    """Another mapping of the same course written differently (capitals, spaces: `competence_key`), if there is one;
    `exclude_pk` leaves out the mapping being edited."""
    key = competence_key(competence)
    others = CompetenceMapping.objects.exclude(competence_name=competence.strip()).select_related("requirement")
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return next((other for other in others.order_by("pk") if competence_key(other.competence_name) == key), None)


def twin_error(twin: CompetenceMapping) -> str:
    return (
        f"'{twin.competence_name}' is already mapped, to {twin.requirement.name}, and capitals and spaces do not "
        "matter in course names: change that mapping instead"
    )


def mappings_lock() -> None:
    """Hold the course mappings until the transaction ends: one change at a time, each checking the mappings (a twin
    in other capitals, a course mapped since a page was opened) as the one before left them. Taken first by every
    door, before any mapping's row, so that two doors never wait on each other. On SQLite one transaction writes at
    a time (they begin IMMEDIATE): nothing more is needed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MAPPINGS_LOCK])


def _checked(competence: str, requirement: Requirement) -> str:
    competence = competence.strip()
    max_length = CompetenceMapping._meta.get_field("competence_name").max_length
    if not competence:
        raise MappingError("Name the course to map")
    if len(competence) > max_length:
        raise MappingError(f"The course name is longer than {max_length} characters")
    problem = hidden_character(competence)
    if problem:
        raise MappingError(f"The course name contains {problem}")
    if requirement.kind != Requirement.EXTERNAL_COURSE:
        raise MappingError(f"{requirement.name} is not an external course: imported completions cannot count to it")
    if not requirement.active:
        raise MappingError(f"{requirement.name} is no longer in use")
    return competence


def _audit(user, mapping: CompetenceMapping, change: str, **before) -> None:
    audit_record(
        actor=user,
        action=AuditEvent.MAPPING_CHANGED,
        scope=mapping.competence_name,
        course=mapping.competence_name,
        change=change,
        requirement=mapping.requirement.name,
        **before,
    )


def competence_mapping_save(
    *, competence: str, requirement: Requirement, user, not_yet_mapped: bool = False, mapping=None
) -> CompetenceMapping:
    """Map a national course name to the requirement its completions count towards (for this and later imports).
    Only an external course still in use takes imported completions. `mapping`: the mapping being edited (the CMS's
    edit page), renamed and re-pointed as asked. `not_yet_mapped`: the batch page's form, which offers the courses
    its file had no mapping for; one mapped since (in the CMS, from another batch's page) is refused, naming the
    mapping, rather than moved unsaid to the page's choice. A save that changes nothing writes nothing."""
    competence = _checked(competence, requirement)
    with transaction.atomic():
        mappings_lock()
        twin = competence_mapping_twin(competence, exclude_pk=getattr(mapping, "pk", None))
        if twin is None and mapping is not None:
            twin = CompetenceMapping.objects.filter(competence_name=competence).exclude(pk=mapping.pk).first()
        if twin is not None:
            raise MappingError(twin_error(twin))
        found = CompetenceMapping.objects.select_related("requirement")
        found = found.filter(pk=mapping.pk) if mapping is not None else found.filter(competence_name=competence)
        existing = found.first()
        if existing is None:
            made = CompetenceMapping.objects.create(
                competence_name=competence,
                requirement=requirement,
                created_by=user if getattr(user, "pk", None) else None,
            )
            _audit(user, made, "added")
            return made
        if not_yet_mapped and existing.requirement_id != requirement.pk:
            raise MappingError(
                f"'{competence}' was mapped to {existing.requirement.name} after this page was opened, so it was not "
                f"mapped to {requirement.name}. If {existing.requirement.name} is wrong, change the mapping in the "
                "CMS (Settings > Course mappings)"
            )
        before = {}
        if existing.competence_name != competence:
            before["course_before"] = existing.competence_name
        if existing.requirement_id != requirement.pk:
            before["requirement_before"] = existing.requirement.name
        if before:
            existing.competence_name, existing.requirement = competence, requirement
            existing.save(update_fields=["competence_name", "requirement"])
            _audit(user, existing, "changed", **before)
        return existing


def competence_mapping_delete(*, mapping: CompetenceMapping, user) -> None:
    """Remove a course mapping: later imports list the course's rows as not mapped. One already gone is left so."""
    with transaction.atomic():
        mappings_lock()
        gone = CompetenceMapping.objects.select_related("requirement").filter(pk=mapping.pk).first()
        if gone is not None:
            gone.delete()
            _audit(user, gone, "deleted")


def competence_mappings_delete_for(*, requirement: Requirement, user) -> int:
    """Remove every course mapping to `requirement` (being deleted), each with its audit line. Returns how many."""
    with transaction.atomic():
        mappings_lock()
        gone = list(
            CompetenceMapping.objects.filter(requirement=requirement).select_related("requirement").order_by("pk")
        )
        for mapping in gone:
            mapping.delete()
            _audit(user, mapping, "deleted")
    return len(gone)
