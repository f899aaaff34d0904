"""A "Complete a portal module" requirement with a renewal period expires and is due again: completed through the
module's own pages (scenarios, then the quiz), it runs out after the period, and passing the quiz again renews it; a
module with no quiz is renewed by working every scenario through again."""

import re

from django.urls import reverse
from django.utils import timezone

from modules.models import ModuleCompletion
from modules.services import module_completion_record_if_complete, scenario_response_record
from portal.compliance import status
from portal.compliance.dates import add_months, local_day
from portal.compliance.models import EvidenceEntry, Requirement, RequirementStatus
from portal.compliance.projection import refresh
from quizzes.models import Attempt
from quizzes.services import attempt_start, attempt_submit
from tests import factories


def _right_answers(attempt, prefix="") -> dict:
    return {f"{prefix}{q.id}": sorted(q.correct_ids) for q in attempt.frozen_questions()}


def test_a_module_completed_over_a_renewal_period_ago_is_due_again_and_passing_again_renews_it(
    person, person_client, module_page, monkeypatch
):
    staff = factories.make_staff(user=person)
    requirement = factories.make_requirement(
        name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page, renewal_months=12
    )
    refresh()
    for child in module_page.scenario_blocks():
        person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, child.id]), {"option": "1"})
    first = attempt_start(user=person, quiz=module_page.quiz, page=module_page)
    attempt_submit(attempt=first, answers=_right_answers(first))

    # The module was completed 13 months ago (the completion is stamped with the clock of the moment).
    long_ago = timezone.now() - timezone.timedelta(days=400)
    monkeypatch.setattr(timezone, "now", lambda: long_ago)
    module_completion_record_if_complete(user=person, page=module_page)
    monkeypatch.undo()

    row = RequirementStatus.objects.get(staff=staff, requirement=requirement)
    assert row.completed_on == local_day(long_ago)
    assert row.expires_on == add_months(local_day(long_ago), 12)
    assert row.state(timezone.localdate()) == status.OVERDUE  # run out: due again

    # Passing the quiz again, through the pages, renews it.
    start = reverse("modules:quiz_start", args=[module_page.pk])
    again_url = person_client.post(start)["Location"]
    again = Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", again_url).group(1)))
    assert again.pk != first.pk
    result = person_client.post(again_url, _right_answers(again, prefix="q"), follow=True).content.decode()
    assert "You passed" in result

    assert ModuleCompletion.objects.filter(user=person, page=module_page).count() == 2
    assert EvidenceEntry.objects.filter(staff=staff, requirement=requirement, source=EvidenceEntry.MODULE).count() == 2
    row.refresh_from_db()
    today = timezone.localdate()
    assert (row.completed_on, row.expires_on) == (today, add_months(today, 12))
    assert row.state(today) == status.COMPLIANT

    def rows():
        return {(r.completed_on, r.expires_on, r.due_on) for r in RequirementStatus.objects.filter(staff=staff)}

    live = rows()
    RequirementStatus.objects.all().delete()
    refresh()
    assert rows() == live


def test_a_module_with_no_quiz_is_renewed_by_working_its_scenarios_through_again(
    person, person_client, policy, monkeypatch
):
    module = factories.make_module(policy=policy, with_quiz=False)
    staff = factories.make_staff(user=person)
    requirement = factories.make_requirement(
        name="Scenarios module", kind=Requirement.COMPLETE_MODULE, page=module, renewal_months=12
    )
    refresh()
    long_ago = timezone.now() - timezone.timedelta(days=400)
    monkeypatch.setattr(timezone, "now", lambda: long_ago)
    for child in module.scenario_blocks():
        scenario_response_record(user=person, page=module, block_id=child.id, option_index=1)
    monkeypatch.undo()
    row = RequirementStatus.objects.get(staff=staff, requirement=requirement)
    assert row.completed_on == local_day(long_ago)
    assert row.state(timezone.localdate()) == status.OVERDUE

    # One scenario again is not the module again; every scenario is.
    scenarios = list(module.scenario_blocks())
    choose = [reverse("modules:scenario_choose", args=[module.pk, child.id]) for child in scenarios]
    person_client.post(choose[0], {"option": "1"})
    assert ModuleCompletion.objects.filter(user=person, page=module).count() == 1
    for url in choose[1:]:
        person_client.post(url, {"option": "1"})

    assert ModuleCompletion.objects.filter(user=person, page=module).count() == 2
    assert module_completion_record_if_complete(user=person, page=module).sequence == 1  # nothing more recorded
    assert ModuleCompletion.objects.filter(user=person, page=module).count() == 2
    row.refresh_from_db()
    today = timezone.localdate()
    assert (row.completed_on, row.expires_on, row.state(today)) == (today, add_months(today, 12), status.COMPLIANT)
