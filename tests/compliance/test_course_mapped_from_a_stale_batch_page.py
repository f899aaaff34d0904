"""A completions batch page lists the courses not yet mapped, each with a form to map it. Opened before someone else
mapped the course (a CMS editor under Course mappings, another HR officer on another batch's page), its form saved
the page's choice over theirs, unsaid: 'NHS|CSTF|Fire Safety - 2 Years|' moved back from Fire safety Level 2 to Fire
safety, and every later import and API call recorded its completions there. The batch page's form maps a course not
yet mapped; one mapped since is refused, naming the mapping, and nothing changes. The same choice saves as before."""

import pytest
from django.urls import reverse

from portal.compliance.imports.services import import_batch_create
from portal.compliance.models import CompetenceMapping
from tests import factories

COURSE = "NHS|CSTF|Fire Safety - 2 Years|"


@pytest.fixture
def batch(db):
    staff = factories.make_staff()
    file = f"Person,Competence Name,Achievement Date\r\n{staff.employee_number},{COURSE},15/01/2026\r\n"
    batch, plan = import_batch_create(kind="completions", data=file.encode(), filename="esr.csv", user=None)
    assert list(plan.skipped) == [COURSE]
    return batch


@pytest.fixture
def courses(db):
    return (
        factories.make_requirement(name="Fire safety"),
        factories.make_requirement(name="Fire safety Level 2"),
    )


def map_from_the_page(client, batch, requirement):
    return client.post(
        reverse("imports:map", args=[batch.pk]), {"competence": COURSE, "requirement": requirement.pk}, follow=True
    )


def test_a_course_mapped_since_the_page_was_opened_is_not_mapped_again(hr_client, batch, courses):
    fire, level_2 = courses
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=level_2)  # in the CMS, meanwhile
    page = " ".join(map_from_the_page(hr_client, batch, fire).content.decode().split()).replace("&#x27;", "'")
    assert (
        f"'{COURSE}' was mapped to Fire safety Level 2 after this page was opened, so it was not mapped to Fire "
        "safety. If Fire safety Level 2 is wrong, change the mapping in the CMS (Settings &gt; Course mappings)"
    ) in page
    assert list(CompetenceMapping.objects.values_list("competence_name", "requirement")) == [(COURSE, level_2.pk)]


def test_the_same_choice_and_a_course_not_yet_mapped_save(hr_client, batch, courses):
    fire, _ = courses
    assert "now counts towards Fire safety" in map_from_the_page(hr_client, batch, fire).content.decode()
    assert "now counts towards Fire safety" in map_from_the_page(hr_client, batch, fire).content.decode()  # again
    assert list(CompetenceMapping.objects.values_list("competence_name", "requirement")) == [(COURSE, fire.pk)]
