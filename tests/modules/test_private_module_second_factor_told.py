"""A quiz an HR officer began on a module since kept for the HR group is not shown nor submitted in a session that
has not proved its second factor (their role counts only once the code is entered:
tests/accounts/test_doors_group_privacy_second_factor.py). The page told them "it is not open to you now": untrue,
and no way on. Now it says their role counts once they have entered the code, as the attestation does
(tests/compliance/test_private_policy_second_factor_told.py), and links to the module, which asks for it."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from portal.compliance.models import Requirement
from portal.people.roles import hr_group
from quizzes.models import Attempt
from tests import factories
from tests.modules.test_private_module import nothing_recorded, start_quiz, submit, to_group

NOT_OPEN = "it is not open to you now"
ROLE_COUNTS = "Your role counts for it once you have entered the code from your authenticator app"


@pytest.fixture
def officer(db):
    officer = factories.with_mfa(factories.make_user(email="olive.officer@example.nhs.uk"))
    officer.groups.add(hr_group())
    factories.make_staff(user=officer, team=factories.make_team("Ward", kind="organisation"))
    return officer


@pytest.fixture
def begun(officer, module_page):
    """The module worked through and its quiz begun while anyone signed in could see it."""
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    client = factories.sign_in(Client(), officer)
    for block in module_page.scenario_blocks():
        client.post(reverse("modules:scenario_choose", args=[module_page.pk, block.id]), {"option": "1"})
    start_quiz(client, module_page)
    return Attempt.objects.get(user=officer)


def said(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_session_without_the_code_is_told_its_role_counts_once_the_code_is_entered(officer, module_page, begun):
    to_group(module_page, hr_group())
    client = factories.sign_in(Client(), officer, second_factor=False)

    for response in (submit(client, begun), client.get(reverse("modules:attempt", args=[begun.pk]))):
        assert response.status_code == 403
        assert ROLE_COUNTS in said(response) and NOT_OPEN not in said(response)
        assert f'<a href="{module_page.url}">open the module</a>' in said(response)
    assert nothing_recorded(begun)


def test_a_group_they_are_not_in_is_still_told_as_before(officer, module_page, begun):
    to_group(module_page, Group.objects.create(name="Nurses"))

    response = submit(factories.sign_in(Client(), officer, second_factor=False), begun)

    assert response.status_code == 403 and NOT_OPEN in said(response) and ROLE_COUNTS not in said(response)


def test_once_the_code_is_entered_the_quiz_goes_on(officer, module_page, begun):
    to_group(module_page, hr_group())

    response = submit(factories.sign_in(Client(), officer), begun)

    assert response["Location"] == reverse("modules:attempt_result", args=[begun.pk])
