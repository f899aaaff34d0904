"""A course is matched to its mapping whatever its capitals and runs of spaces: the national records may write
"Level 1" one month and "level 1" the next, and a file HR tidied by hand may carry a double space. Before, such a row
was listed as a course with no mapping and its completion silently not recorded. A second mapping for the same course
written differently is refused, at the import page, in the CMS and in the service, naming the one that exists; two
such mappings made before (pointing at different requirements) make the row a clear error, not a guess."""

import pytest
from django.urls import reverse

from portal.compliance.completions import MappingError, competence_mapping_save
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry
from tests import factories
from tests.compliance.test_course_mapping_snippet import editors_map_courses  # noqa: F401 - fixture
from tests.compliance.test_requirement_admin import editor, editor_client  # noqa: F401 - fixtures

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
HEADER = "Employee Number,Competence Name,Achievement Date,Expiry Date"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def adults(db):
    return factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)


@pytest.fixture
def grace(adults):
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=adults)
    return factories.make_staff(employee_number="20001", first_name="Grace", last_name="Jones")


def _file(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


@pytest.mark.parametrize(
    "written",
    [
        "nhs|cstf|safeguarding adults - level 1 - 3 years|",
        "NHS|CSTF|SAFEGUARDING ADULTS - LEVEL 1 - 3 YEARS|",
        "NHS|CSTF|Safeguarding  Adults - Level 1 -  3 Years|",
    ],
    ids=["lower case", "capitals", "double spaces"],
)
def test_a_course_written_differently_counts_towards_its_mapping(grace, adults, written):
    batch, plan = import_batch_create(
        kind="completions", data=_file(f"20001,{written},02/02/2025,"), filename="a.csv", user=None
    )

    assert (plan.skipped, plan.rejected, len(plan.to_record)) == ({}, [], 1)
    import_batch_apply(batch=batch, user=None, background=False)
    entry = EvidenceEntry.objects.get()
    assert (entry.staff, entry.requirement) == (grace, adults)


def test_a_course_that_is_another_course_is_still_skipped(grace):
    _, plan = import_batch_create(
        kind="completions",
        data=_file("20001,NHS|CSTF|Safeguarding Adults - Level 2 - 3 Years|,02/02/2025,"),
        filename="a.csv",
        user=None,
    )
    assert plan.skipped == {"NHS|CSTF|Safeguarding Adults - Level 2 - 3 Years|": 1} and not plan.to_record


def test_mapping_the_same_course_again_in_other_capitals_is_refused(grace, adults):
    other = factories.make_requirement(name="Safeguarding Adults Level 2", renewal_months=36)

    with pytest.raises(MappingError) as refused:
        competence_mapping_save(competence=ADULTS.lower(), requirement=other, user=None)

    assert str(refused.value) == (
        f"'{ADULTS}' is already mapped, to Safeguarding Adults Level 1, and capitals and spaces do not matter in "
        "course names: change that mapping instead"
    )
    assert list(CompetenceMapping.objects.values_list("competence_name", "requirement")) == [(ADULTS, adults.pk)]


def test_remapping_the_same_name_still_changes_its_requirement(grace):
    other = factories.make_requirement(name="Safeguarding Adults Level 2", renewal_months=36)
    competence_mapping_save(competence=ADULTS, requirement=other, user=None)
    assert CompetenceMapping.objects.get().requirement == other


def test_the_cms_refuses_a_second_mapping_in_other_capitals_beside_the_field(
    grace,
    editor_client,  # noqa: F811
):
    other = factories.make_requirement(name="Fire safety")
    url = reverse("wagtailsnippets_compliance_competencemapping:add")

    response = editor_client.post(url, {"competence_name": ADULTS.upper(), "requirement": other.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["competence_name"] == [
        f"'{ADULTS}' is already mapped, to Safeguarding Adults Level 1, and capitals and spaces do not matter in "
        "course names: change that mapping instead"
    ]
    assert CompetenceMapping.objects.count() == 1


def test_the_cms_may_change_the_capitals_of_a_mapping_itself(
    grace,
    editor_client,  # noqa: F811
):
    mapping = CompetenceMapping.objects.get()
    url = reverse("wagtailsnippets_compliance_competencemapping:edit", args=[mapping.pk])

    response = editor_client.post(url, {"competence_name": ADULTS.upper(), "requirement": mapping.requirement_id})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(CompetenceMapping.objects.values_list("pk", "competence_name")) == [(mapping.pk, ADULTS.upper())]


def test_two_older_mappings_of_one_course_to_different_requirements_make_the_row_an_error(grace, adults):
    other = factories.make_requirement(name="Safeguarding Adults Level 2", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS.lower(), requirement=other)  # made before names matched

    _, plan = import_batch_create(
        kind="completions", data=_file(f"20001,{ADULTS},02/02/2025,"), filename="a.csv", user=None
    )

    assert plan.rejected == [
        (
            2,
            f"'{ADULTS}' matches course mappings that count towards different requirements ('{ADULTS}' to Safeguarding "
            f"Adults Level 1; '{ADULTS.lower()}' to Safeguarding Adults Level 2): capitals and spaces do not matter, "
            "so remove all but one in the CMS (Settings > Course mappings)",
        )
    ]
    assert not plan.can_apply and not EvidenceEntry.objects.exists()
