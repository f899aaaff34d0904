"""Course mappings made in the CMS ("Course mappings" snippets) go through `competence_mapping_save`, with the
checks HR's import pages make: a course name with no hidden characters, and an external course still in use. What
it refuses is shown on the form, and nothing is saved."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal.compliance.models import CompetenceMapping, Requirement
from tests import factories
from tests.compliance.test_requirement_admin import editor, editor_client  # noqa: F401 - fixtures

COURSE = "NHS|CSTF|Fire Safety - 2 Years|"


@pytest.fixture(autouse=True)
def editors_map_courses(db):
    """The CMS editors (`editor`, as in test_requirement_admin) are trusted with course mappings too."""
    Group.objects.get(name="Editors").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="compliance",
            codename__in=["add_competencemapping", "change_competencemapping", "delete_competencemapping"],
        )
    )


@pytest.fixture
def fire_safety(db):
    return factories.make_requirement(name="Fire safety")


@pytest.fixture
def retired(db):
    return factories.make_requirement(name="Fire safety (old)", active=False, retired_reason="Replaced")


def _url(name, *args):
    return reverse(f"wagtailsnippets_compliance_competencemapping:{name}", args=args)


def test_a_mapping_added_in_the_cms_is_saved_through_the_service(editor, editor_client, fire_safety):  # noqa: F811
    response = editor_client.post(_url("add"), {"competence_name": COURSE, "requirement": fire_safety.pk})

    assert response.status_code == 302, response.content.decode()[:2000]
    mapping = CompetenceMapping.objects.get()
    assert (mapping.competence_name, mapping.requirement, mapping.created_by) == (COURSE, fire_safety, editor)


@pytest.mark.parametrize(
    ("name", "requirement", "message"),
    [
        (COURSE, "retired", "Choose an external course still in use"),
        ("NHS|CSTF|Fire\u202e Safety|", "fire_safety", "U+202E"),
    ],
)
def test_a_mapping_the_service_refuses_is_not_added(editor_client, request, name, requirement, message):  # noqa: F811
    requirement = request.getfixturevalue(requirement)

    response = editor_client.post(_url("add"), {"competence_name": name, "requirement": requirement.pk})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CompetenceMapping.objects.exists()


def test_a_mapping_renamed_in_the_cms_keeps_its_place(editor_client, fire_safety):  # noqa: F811
    mapping = CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire_safety)

    response = editor_client.post(
        _url("edit", mapping.pk), {"competence_name": "NHS|CSTF|Fire Safety - 3 Years|", "requirement": fire_safety.pk}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(CompetenceMapping.objects.values_list("pk", "competence_name")) == [
        (mapping.pk, "NHS|CSTF|Fire Safety - 3 Years|")
    ]


def test_a_mapping_moved_to_a_retired_course_is_refused(editor_client, fire_safety, retired):  # noqa: F811
    mapping = CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire_safety)

    response = editor_client.post(
        _url("edit", mapping.pk), {"competence_name": "NHS|CSTF|Renamed|", "requirement": retired.pk}
    )

    assert response.status_code == 200
    assert "Choose an external course still in use" in response.content.decode()
    assert list(CompetenceMapping.objects.values_list("competence_name", "requirement")) == [(COURSE, fire_safety.pk)]


def test_there_is_no_copy_page_to_save_a_form_over_the_mapping_copied(editor_client, fire_safety):  # noqa: F811
    mapping = CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire_safety)
    other = factories.make_requirement(name="Another course", kind=Requirement.EXTERNAL_COURSE)
    copy_url = _url("edit", mapping.pk).replace("/edit/", "/copy/")

    response = editor_client.post(copy_url, {"competence_name": "Copied", "requirement": other.pk})

    assert response.status_code == 404
    assert list(CompetenceMapping.objects.values_list("competence_name", "requirement")) == [(COURSE, fire_safety.pk)]
