"""The module changes while someone is part way through its quiz (a material policy change, the module unpublished,
its quiz replaced, its held questions rewritten): the old attempt records nothing, says what happened, and starting
again asks the new questions."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from modules.models import ModuleCompletion, ModulePage
from portal.compliance.models import EvidenceEntry, Requirement
from quizzes.models import Attempt, Choice, Question
from tests import factories
from tests.quizzes.test_held_for_review import _material_change_to

CHANGED = "This module changed since you started the quiz. Start the quiz again."


def right(attempt):
    return {f"q{q.id}": sorted(q.correct_ids) for q in attempt.frozen_questions()}


@pytest.fixture
def learner(person):
    return factories.make_staff(user=person)


@pytest.fixture
def under_way(learner, person_client, module_page):
    """Scenarios done, a quiz begun on clauses 6.2 and 9: only the submission is left to complete the module."""
    bank = module_page.quiz.banks.get()
    for number in range(5):
        question = Question.objects.create(bank=bank, kind="single", stem=f"On 9, {number}?", clause="9")
        Choice.objects.create(question=question, text="Right", is_correct=True, feedback="Yes.")
        Choice.objects.create(question=question, text="Wrong", is_correct=False, feedback="No.")
    factories.make_requirement(name="M", kind=Requirement.COMPLETE_MODULE, page=module_page)
    for block in module_page.scenario_blocks():
        person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, block.id]), {"option": "1"})
    url = person_client.post(reverse("modules:quiz_start", args=[module_page.pk]))["Location"]
    return url, Attempt.objects.get(submitted_at__isnull=True)


def nothing_recorded(learner, attempt):
    attempt.refresh_from_db()
    return (
        attempt.submitted_at is None
        and not ModuleCompletion.objects.exists()
        and not EvidenceEntry.objects.filter(staff=learner).exists()
    )


def test_a_material_change_retires_the_open_attempt_and_starting_again_asks_the_new_questions(
    learner, person_client, module_page, policy, under_way
):
    url, old = under_way
    clause = "6.2"
    assert clause in {q.clause for q in old.frozen_questions()}
    _material_change_to(policy, clause)  # holds the questions on 6.2 back for review
    assert Question.objects.filter(held_for_review=True).exists()

    shown = person_client.get(url).content.decode()
    submitted = person_client.post(url, right(old))

    assert CHANGED in shown and CHANGED in submitted.content.decode()
    assert f'href="{module_page.url}#quiz"' in submitted.content.decode()
    assert nothing_recorded(learner, old)
    again = person_client.post(reverse("modules:quiz_start", args=[module_page.pk]))["Location"]
    assert again != url and not Attempt.objects.filter(pk=old.pk).exists()
    new = Attempt.objects.get(submitted_at__isnull=True)
    assert {q.clause for q in new.frozen_questions()} == {"9"}


def _as_the_browser_sends(html):
    """The CMS edit form's fields as a browser posts them: a ticked box with no value attribute sends "on" (Wagtail's
    helper reads an empty string, which would untick it)."""
    form = querydict_from_html(html, form_id="w-editor-form")
    for box in BeautifulSoup(html, "html.parser").select("#w-editor-form input[type=checkbox][checked]"):
        if "value" not in box.attrs:
            form[box["name"]] = "on"
    return form


def test_an_attempt_begun_before_a_material_change_records_nothing_once_its_questions_are_rewritten(
    learner, person_client, module_page, policy, under_way
):
    """The editor rewrites each held question in the CMS, which resolves its flag and draws it again: the attempt still
    holds the old questions and their old answer key, so it must not count after the change."""
    url, old = under_way
    _material_change_to(policy, "6.2")
    editor = factories.with_mfa(factories.make_user(first_name="Erin", last_name="Editor"))
    editor.groups.add(Group.objects.get(name="Moderators"))
    editor.user_permissions.add(Permission.objects.get(content_type__app_label="quizzes", codename="change_question"))
    cms = factories.sign_in(Client(), editor)
    for question in Question.objects.filter(held_for_review=True):
        edit_url = reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
        form = _as_the_browser_sends(cms.get(edit_url).content.decode())
        form["stem"] = f"Under the new rule, {question.stem}"
        assert cms.post(edit_url, form).status_code == 302
    assert not Question.objects.filter(Q(held_for_review=True) | Q(active=False)).exists()  # all drawn again

    submitted = person_client.post(url, right(old))
    assert CHANGED in submitted.content.decode()
    assert nothing_recorded(learner, old)
    again = person_client.post(reverse("modules:quiz_start", args=[module_page.pk]))["Location"]
    new = Attempt.objects.get(submitted_at__isnull=True)
    assert again != url and new.pk != old.pk
    assert all(q.stem.startswith("Under the new rule") for q in new.frozen_questions() if q.clause == "6.2")


def test_an_unpublished_module_records_nothing_from_a_quiz_begun_before(learner, person_client, module_page, under_way):
    url, attempt = under_way
    ModulePage.objects.get(pk=module_page.pk).unpublish()

    shown = person_client.get(url)
    submitted = person_client.post(url, right(attempt))

    assert shown.status_code == 200 and CHANGED in shown.content.decode()
    html = submitted.content.decode()
    assert CHANGED in html and "no longer published" in html and reverse("reports:my_training") in html
    assert nothing_recorded(learner, attempt)


def test_a_quiz_replaced_in_the_module_records_nothing_from_the_old_one(learner, person_client, module_page, under_way):
    url, attempt = under_way
    page = ModulePage.objects.get(pk=module_page.pk)
    other = factories.make_quiz()
    page.body = [
        (child.block_type, {**dict(child.value), "quiz": other} if child.block_type == "quiz" else child.value)
        for child in page.body
    ]
    page.save_revision().publish()

    assert CHANGED in person_client.post(url, right(attempt)).content.decode()
    assert nothing_recorded(learner, attempt)
    person_client.post(reverse("modules:quiz_start", args=[module_page.pk]))
    assert list(Attempt.objects.values_list("quiz", flat=True)) == [other.pk]  # the old quiz's attempt is gone


def test_an_unchanged_module_still_records_the_pass(learner, person_client, module_page, under_way):
    url, attempt = under_way
    assert person_client.post(url, right(attempt))["Location"] == reverse("modules:attempt_result", args=[attempt.pk])
    assert ModuleCompletion.objects.count() == 1
