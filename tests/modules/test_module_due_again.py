"""A module completed once but asked for again (its completion expired or expires soon, or a material policy change
reopened it) reads as My training says it, on its own page and in the list of modules: "Overdue" or "Due soon" and
"Do the module again", not "Completed". A completion still in date reads "Completed"."""

import datetime
import re

import pytest
from django.utils import timezone

from modules.models import ModuleCompletion
from portal.compliance import status
from portal.compliance.models import Requirement, RequirementStatus
from portal.compliance.projection import refresh
from tests import factories
from tests.modules.test_module_state_agrees import answer_scenario, my_training_says, pass_the_quiz
from tests.modules.test_reopen_modules import _publish_v2


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _module_page(client, module) -> tuple[str, str]:
    html = client.get(module.url).content.decode()
    tag = re.search(r'id="module-status">([^<]+)<', html).group(1)
    summary = re.search(r'id="module-summary">([^<]+)<', html)
    return tag, summary.group(1) if summary else ""


def _module_list(client, module) -> str:
    html = client.get(module.get_parent().url).content.decode()
    cell = re.search(rf'id="module-{module.pk}-status">(.*?)</div>', html, flags=re.S).group(1)
    return re.sub(r"<[^>]+>", "", cell).strip()


def _complete(client, person, module, days_ago: int, monkeypatch) -> None:
    """Work through the module (and pass its quiz, if it has one) `days_ago` days ago."""
    then = timezone.now() - datetime.timedelta(days=days_ago)
    monkeypatch.setattr(timezone, "now", lambda: then)
    for block in module.scenario_blocks():
        answer_scenario(client, module, block.id)
    if module.quiz is not None:
        pass_the_quiz(client, person, module)
    monkeypatch.undo()


@pytest.fixture
def staff(person):
    return factories.make_staff(user=person)


def _require(module, staff, **overrides):
    requirement = factories.make_requirement(
        name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module, **overrides
    )
    refresh(staff_ids=[staff.pk])
    return requirement


def test_an_expired_module_is_overdue_on_its_page_in_the_list_and_on_my_training(
    person, person_client, staff, module_page, monkeypatch
):
    requirement = _require(module_page, staff, renewal_months=12)
    _complete(person_client, person, module_page, 400, monkeypatch)
    row = RequirementStatus.objects.get(staff=staff, requirement=requirement)
    assert row.state(timezone.localdate()) == status.OVERDUE

    tag, summary = _module_page(person_client, module_page)
    assert tag == "Overdue"
    assert summary == (
        f"Do the module again: it was due by {_long(row.due_on)}. Take the quiz again and pass it. "
        f"You completed it on {_long(row.completed_on)}."
    )
    assert _module_list(person_client, module_page) == "Overdue"
    assert my_training_says(person_client, "Social media module") == "Overdue"


def test_a_module_expiring_soon_is_due_soon(person, person_client, staff, module_page, monkeypatch):
    requirement = _require(module_page, staff, renewal_months=12)
    _complete(person_client, person, module_page, 350, monkeypatch)
    row = RequirementStatus.objects.get(staff=staff, requirement=requirement)

    tag, summary = _module_page(person_client, module_page)
    assert tag == "Due soon"
    assert summary.startswith(f"Do the module again by {_long(row.due_on)}. Take the quiz again and pass it.")
    assert _module_list(person_client, module_page) == "Due soon"
    assert my_training_says(person_client, "Social media module") == "Due soon"


def test_a_module_completed_in_date_still_says_completed(person, person_client, staff, module_page, monkeypatch):
    _require(module_page, staff, renewal_months=12)
    _complete(person_client, person, module_page, 30, monkeypatch)

    tag, summary = _module_page(person_client, module_page)
    assert tag == "Completed"
    assert summary == "2 of 2 scenarios worked through; quiz passed."
    assert _module_list(person_client, module_page) == "Completed"
    assert my_training_says(person_client, "Social media module") == "Compliant"


def test_a_module_a_material_policy_change_reopened_is_due_by_the_deadline(
    person, person_client, staff, policy, module_page, monkeypatch
):
    _require(module_page, staff, renewal_months=None)
    _complete(person_client, person, module_page, 30, monkeypatch)
    assert _module_page(person_client, module_page)[0] == "Completed"

    _, revision, deadline = _publish_v2(policy, reopen=True, section="9")  # the module teaches 6.2 and 9
    revision.publish()

    tag, summary = _module_page(person_client, module_page)
    assert tag == "Due soon"
    assert summary.startswith(f"Do the module again by {_long(deadline)}.")
    assert _module_list(person_client, module_page) == "Due soon"
    assert my_training_says(person_client, "Social media module") == "Due soon"


def test_a_module_without_a_quiz_asks_for_every_scenario_again_and_answering_them_completes_it_again(
    person, person_client, staff, policy, monkeypatch
):
    module = factories.make_module(policy=policy, scenarios=2, with_quiz=False)
    requirement = _require(module, staff, renewal_months=12)
    _complete(person_client, person, module, 400, monkeypatch)
    assert ModuleCompletion.objects.filter(user=person, page=module).count() == 1

    tag, summary = _module_page(person_client, module)
    assert tag == "Overdue"
    assert "Work through every scenario again (0 of 2 scenarios worked through again)." in summary
    first, second = module.scenario_blocks()

    answer_scenario(person_client, module, first.id)
    tag, summary = _module_page(person_client, module)
    assert tag == "Overdue" and "(1 of 2 scenarios worked through again)" in summary

    answer_scenario(person_client, module, second.id)
    assert ModuleCompletion.objects.filter(user=person, page=module).count() == 2
    row = RequirementStatus.objects.get(staff=staff, requirement=requirement)
    assert row.completed_on == timezone.localdate()
    assert _module_page(person_client, module) == ("Completed", "2 of 2 scenarios worked through.")
    assert _module_list(person_client, module) == "Completed"


def test_passing_the_quiz_again_completes_an_expired_module_again(
    person, person_client, staff, module_page, monkeypatch
):
    _require(module_page, staff, renewal_months=12)
    _complete(person_client, person, module_page, 400, monkeypatch)
    html = person_client.get(module_page.url).content.decode()
    assert "You passed it before. Pass it again to complete the module again." in html

    pass_the_quiz(person_client, person, module_page)

    assert _module_page(person_client, module_page)[0] == "Completed"
    assert my_training_says(person_client, "Social media module") == "Compliant"


def test_the_pages_run_their_pinned_queries_for_a_module_due_again(
    person, person_client, staff, module_page, monkeypatch, django_assert_num_queries
):
    """The status rows come with the person's answers (one UNION): the module page's 12 queries and the list's
    (tests/modules/test_query_budget.py, tests/modules/test_views.py) are the same for a module due again."""
    _require(module_page, staff, renewal_months=12)
    _complete(person_client, person, module_page, 400, monkeypatch)
    index = module_page.get_parent()
    person_client.get(module_page.url)  # Wagtail caches the site's root paths after the first page
    with django_assert_num_queries(12):
        assert person_client.get(module_page.url).status_code == 200
    # 12 in tests/modules/test_views.py, with the site's root paths (4) read too: here they are cached already.
    with django_assert_num_queries(11):
        assert person_client.get(index.url).status_code == 200
