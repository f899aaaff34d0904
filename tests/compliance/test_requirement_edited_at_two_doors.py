"""A requirement is changed at two doors, HR's page (/hr/requirements/) and the CMS's snippet page, and either may be
open in a tab while the other saves. The page opened before the other save is refused when it is saved, naming why,
and changes nothing. Before, it saved the whole requirement as the page showed it: HR retired Fire safety, a CMS tab
opened earlier fixed a typo in its name, and Fire safety was back in use, everyone's status back on it, unsaid; a CMS
editor shortened its renewal period, and HR's page opened before put the old one back."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from portal.compliance.models import Requirement, RequirementStatus
from portal.compliance.requirement_reads import saved_as
from portal.compliance.services import requirement_retire, requirement_save
from portal.compliance.status_check import status_check
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_concurrency import _all_at_once
from tests.modules.test_quiz_changed_mid_attempt import _as_the_browser_sends

REFUSED = (
    "Someone saved this requirement after you opened this page, so saving it would undo their change. Nothing was "
    "saved: open the requirement again to see what they changed, then make your change."
)
LONG_AGO = datetime.date(2015, 4, 1)


@pytest.fixture
def fire(db):
    factories.make_staff(start_date=LONG_AGO)
    requirement = factories.make_requirement(name="Fire safty", renewal_months=36, introduced_on=LONG_AGO)
    return requirement


@pytest.fixture
def hr(db):
    user = factories.with_mfa(factories.make_user(first_name="Hana", last_name="Officer"))
    user.groups.add(hr_group())
    return factories.sign_in(Client(), user)


def cms_url(requirement) -> str:
    return reverse(Requirement.snippet_viewset.get_url_name("edit"), args=[requirement.pk])


def cms_form(cms, requirement):
    return _as_the_browser_sends(cms.get(cms_url(requirement)).content.decode())


def hr_url(requirement) -> str:
    return reverse("requirements:edit", args=[requirement.pk])


def hr_form(hr, requirement):
    return querydict_from_html(hr.get(hr_url(requirement)).content.decode(), form_id="requirement-form")


def words(response) -> str:
    return " ".join(response.content.decode().split()).replace("&#x27;", "'")


def test_a_cms_page_opened_before_hr_retired_it_does_not_put_it_back_in_use(cms, hr, fire):
    opened = cms_form(cms, fire)
    requirement_retire(requirement=fire, user=None, reason="Replaced by Fire safety Level 2")
    assert not RequirementStatus.objects.filter(requirement=fire).exists()
    opened["name"] = "Fire safety"
    response = cms.post(cms_url(fire), opened)
    assert response.status_code == 200 and REFUSED in words(response)
    fire.refresh_from_db()
    assert (fire.name, fire.active) == ("Fire safty", False)
    assert not RequirementStatus.objects.filter(requirement=fire).exists()
    assert status_check().differences == []  # verify_evidence --status


def test_hrs_page_opened_before_a_cms_save_does_not_put_the_old_renewal_back(cms, hr, fire):
    opened = hr_form(hr, fire)
    in_cms = cms_form(cms, fire)
    in_cms["renewal_months"] = "12"
    assert cms.post(cms_url(fire), in_cms).status_code == 302
    opened["name"] = "Fire safety"
    response = hr.post(hr_url(fire), opened)
    assert response.status_code == 400 and REFUSED in words(response)
    fire.refresh_from_db()
    assert (fire.name, fire.renewal_months) == ("Fire safty", 12)


def test_two_hr_tabs_the_second_saved_is_refused(hr, fire):
    first, second = hr_form(hr, fire), hr_form(hr, fire)
    second["new_starter_days"] = "14"
    assert hr.post(hr_url(fire), second).status_code == 302
    first["name"] = "Fire safety"
    assert REFUSED in words(hr.post(hr_url(fire), first))
    fire.refresh_from_db()
    assert (fire.name, fire.new_starter_days) == ("Fire safty", 14)


def test_opened_again_it_saves_at_either_door(cms, hr, fire):
    opened = hr_form(hr, fire)
    opened["renewal_months"] = "24"
    assert hr.post(hr_url(fire), opened).status_code == 302
    again = cms_form(cms, fire)
    again["name"] = "Fire safety"
    assert cms.post(cms_url(fire), again).status_code == 302
    fire.refresh_from_db()
    assert (fire.name, fire.renewal_months, fire.active) == ("Fire safety", 24, True)
    assert RequirementStatus.objects.filter(requirement=fire).count() == 1  # the person's status, in use


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
@pytest.mark.django_db(transaction=True)
def test_two_pages_opened_alike_saved_at_the_same_moment_one_is_refused():
    """Both compare what they were opened with after locking the requirement's row: the second to take it finds the
    first's save."""
    fire = factories.make_requirement(name="Fire safty", renewal_months=36, introduced_on=LONG_AGO)
    opened = saved_as(fire)
    changes = iter([{"renewal_months": 12}, {"name": "Fire safety"}])

    def save():
        requirement = Requirement.objects.get(pk=fire.pk)
        for field, value in next(changes).items():
            setattr(requirement, field, value)
        return requirement_save(requirement=requirement, user=None, opened_as=opened)

    results = _all_at_once(save, count=2)
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(refused) == 1 and refused[0].messages == [REFUSED], results
    fire.refresh_from_db()
    assert (fire.name, fire.renewal_months) in {("Fire safty", 12), ("Fire safety", 36)}
