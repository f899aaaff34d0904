"""Two saves of a course mapping at once (two HR officers on two batch pages, a CMS editor and a batch page) are taken
one after the other, the second checking the mappings as the first left them (PostgreSQL: real concurrent
transactions). Before, both checked for a twin in other capitals before either had written, so both added a
mapping; a new course saved twice at once must still save, once, with one audit line.

The first save is held open (its transaction not committed) until the second has either finished or is seen
waiting for a lock in pg_locks: no sleeps, and the outcome does not depend on how fast either thread runs."""

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)

from portal.audit.models import AuditEvent
from portal.compliance.mappings import MappingError, competence_mapping_save
from portal.compliance.models import CompetenceMapping
from tests import factories
from tests.concurrency import second_while_first_is_open

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database for real concurrency"),
    pytest.mark.django_db(transaction=True),
]

COURSE = "NHS|CSTF|Fire Safety - 2 Years|"


def _audit_lines() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.MAPPING_CHANGED).count()


@pytest.mark.parametrize("not_yet_mapped", [True, False], ids=["batch pages", "cms"])
def test_a_new_course_saved_twice_at_once_is_mapped_once(not_yet_mapped):
    fire = factories.make_requirement(name="Fire safety")

    def save():
        return competence_mapping_save(competence=COURSE, requirement=fire, user=None, not_yet_mapped=not_yet_mapped)

    result, while_first_open = second_while_first_is_open(save, save)

    assert isinstance(result, CompetenceMapping), result
    assert not while_first_open
    assert list(CompetenceMapping.objects.values_list("competence_name", "requirement")) == [(COURSE, fire.pk)]
    assert _audit_lines() == 1


def test_one_course_saved_at_once_in_other_capitals_is_mapped_once():
    fire, level_2 = factories.make_requirement(name="Fire safety"), factories.make_requirement(name="Fire safety 2")

    result, while_first_open = second_while_first_is_open(
        lambda: competence_mapping_save(competence=COURSE, requirement=fire, user=None, not_yet_mapped=True),
        lambda: competence_mapping_save(competence=COURSE.upper(), requirement=level_2, user=None, not_yet_mapped=True),
    )

    assert isinstance(result, MappingError) and f"'{COURSE}' is already mapped, to Fire safety" in str(result), result
    assert not while_first_open
    assert list(CompetenceMapping.objects.values_list("competence_name", "requirement")) == [(COURSE, fire.pk)]
    assert _audit_lines() == 1
