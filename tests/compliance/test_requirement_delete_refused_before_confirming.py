"""The CMS's delete page for a requirement that cannot be deleted says so at once, instead of asking "Are you sure?"
and refusing only once HR has confirmed: the page is left for the requirement's edit page, with the refusal in the
same words the delete itself gives, and nothing is changed. A requirement that can be deleted (asking no one) still
gets the page asking for confirmation."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.compliance.models import Requirement
from portal.compliance.projection import refresh
from portal.compliance.services import RequirementError, requirement_delete
from tests import factories


def _delete_url(requirement) -> str:
    return reverse("wagtailsnippets_compliance_requirement:delete", args=[requirement.pk])


def _refusal(requirement) -> str:
    with pytest.raises(RequirementError) as refused:
        requirement_delete(requirement=requirement, user=None)
    return str(refused.value)


@pytest.fixture
def measured(db):
    requirement = factories.make_requirement(name="Fire safety")
    factories.make_staff(first_name="Sam", last_name="Person", start_date=datetime.date(2020, 1, 6))
    refresh()
    return requirement


def test_the_delete_page_refuses_before_asking_for_confirmation(cms, measured):
    refusal = _refusal(measured)

    response = cms.get(_delete_url(measured))

    assert response.status_code == 302
    assert response.url == reverse("wagtailsnippets_compliance_requirement:edit", args=[measured.pk])
    assert [str(message) for message in get_messages(response.wsgi_request)] == [refusal]
    assert Requirement.objects.filter(pk=measured.pk).exists()


def test_a_requirement_with_evidence_is_refused_on_the_page_too(cms, measured):
    person = factories.make_staff(first_name="Ria", last_name="Person", start_date=datetime.date(2021, 5, 3))
    factories.make_completion(person, measured)
    refusal = _refusal(measured)
    assert "has evidence recorded against it" in refusal

    response = cms.get(_delete_url(measured))

    assert response.status_code == 302
    assert refusal in [str(message) for message in get_messages(response.wsgi_request)]


def test_one_that_can_be_deleted_still_asks_for_confirmation(cms, db):
    nobody = factories.make_requirement(
        name="Astronaut induction", applies_to_everyone=False, job_title_patterns=["Astronaut*"]
    )
    factories.make_staff(first_name="Sam", last_name="Person", job_title="Porter")
    refresh()

    response = cms.get(_delete_url(nobody))

    assert response.status_code == 200
    assert "Astronaut induction" in response.content.decode()
    assert Requirement.objects.filter(pk=nobody.pk).exists()
