"""A course mapping edited in the CMS in two tabs (or by two editors): the page opened before the other was saved is
refused when it is saved, naming why, and changes nothing. Before, it saved the mapping as the page showed it: one tab
moved 'Fire Safety - 2 Years' to Fire safety Level 2, the other, opened before, tidied the course name and put it back
on Fire safety, unsaid, and every later import (and the API) recorded the course's completions against it."""

import pytest
from django.urls import reverse

from portal.compliance.models import CompetenceMapping
from tests import factories
from tests.compliance.test_course_mapping_snippet import editors_map_courses  # noqa: F401 - fixture
from tests.modules.test_quiz_changed_mid_attempt import _as_the_browser_sends

COURSE = "NHS|CSTF|Fire Safety - 2 Years|"
REFUSED = (
    "Someone saved this course mapping after you opened this page, so saving it would undo their change. Nothing "
    "was saved: open the course mapping again to see what they changed, then make your change."
)


@pytest.fixture
def mapping(db):
    fire = factories.make_requirement(name="Fire safety")
    return CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire)


def edit_url(mapping) -> str:
    return reverse("wagtailsnippets_compliance_competencemapping:edit", args=[mapping.pk])


def opened(cms, mapping):
    return _as_the_browser_sends(cms.get(edit_url(mapping)).content.decode())


def test_a_mapping_saved_from_a_page_opened_before_another_save_is_refused(cms, mapping):
    level_2 = factories.make_requirement(name="Fire safety Level 2")
    first, second = opened(cms, mapping), opened(cms, mapping)
    second["requirement"] = str(level_2.pk)
    assert cms.post(edit_url(mapping), second).status_code == 302
    first["competence_name"] = "NHS|CSTF|Fire Safety - 2 years|"
    response = cms.post(edit_url(mapping), first)
    assert response.status_code == 200
    assert REFUSED in " ".join(response.content.decode().split())
    mapping.refresh_from_db()
    assert (mapping.competence_name, mapping.requirement) == (COURSE, level_2)

    again = opened(cms, mapping)  # opened again, it shows the mapping as saved, and saves
    again["competence_name"] = "NHS|CSTF|Fire Safety - 2 years|"
    assert cms.post(edit_url(mapping), again).status_code == 302
    mapping.refresh_from_db()
    assert (mapping.competence_name, mapping.requirement) == ("NHS|CSTF|Fire Safety - 2 years|", level_2)
