"""A question held for review is released as changed when it is saved with its content changed from what was flagged
(its stem, scenario, kind, or choices with their text, feedback and right answers), and only then. The flag keeps a
hash of the content it was raised on. Before, any save in the CMS released it as "changed": Save pressed with nothing
changed, "active" unticked, the question moved to another bank, and the question went back into quizzes asking the
superseded rule. Saved unchanged it stays held, and the editor is told to change it or mark it reviewed."""

import importlib
from html import unescape

import pytest
from django.apps import apps
from django.urls import reverse

from modules.models import ReviewFlag
from modules.review import question_content_hashes, review_flags_raise
from quizzes.models import Question, QuestionBank
from tests import factories


def _question_as_the_form_sends_it(question, *, active=True):
    choices = list(question.choices.all())
    data = {
        "bank": question.bank_id,
        "kind": question.kind,
        "clause": question.clause,
        "scenario": question.scenario,
        "stem": question.stem,
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(len(choices)),
        "choices-MIN_NUM_FORMS": "2",
        "choices-MAX_NUM_FORMS": "6",
    }
    if active:
        data["active"] = "on"
    for i, choice in enumerate(choices):
        data |= {
            f"choices-{i}-id": str(choice.pk),
            f"choices-{i}-ORDER": str(i + 1),
            f"choices-{i}-text": choice.text,
            f"choices-{i}-feedback": choice.feedback,
        }
        if choice.is_correct:
            data[f"choices-{i}-is_correct"] = "on"
    return data


@pytest.fixture
def flag(policy, module_page):
    """Version 2.0 changed clause 6.2: the questions of the module's quiz on it are held."""
    review_flags_raise(snapshot=factories.make_snapshot(policy, version="2.0"), clauses=["6.2"])
    flag = ReviewFlag.objects.filter(question__isnull=False).order_by("pk").first()
    assert flag.question.held_for_review
    return flag


def _save(cms, question, data):
    return cms.post(reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk]), data, follow=True)


def _state(flag):
    flag.refresh_from_db()
    flag.question.refresh_from_db()
    return flag.question.held_for_review, flag.resolution, flag.resolved_at is None


def test_a_flag_keeps_the_hash_of_the_question_it_was_raised_on(flag):
    assert flag.content_hash == question_content_hashes([flag.question_id])[flag.question_id]


def test_saving_a_held_question_with_nothing_changed_keeps_it_held(cms, flag):
    response = _save(cms, flag.question, _question_as_the_form_sends_it(flag.question))

    assert response.redirect_chain and response.redirect_chain[0][1] == 302
    assert _state(flag) == (True, "", True)
    assert (
        "Still held back from quizzes: its question and choices are as they were when version 2.0 changed clause 6.2."
        in unescape(response.content.decode())
    )


def test_a_held_question_saved_with_line_breaks_and_spacing_as_a_browser_sends_them_stays_held(cms, flag):
    flag.question.stem = "What do you do\nfirst?"
    flag.question.save()
    ReviewFlag.objects.filter(pk=flag.pk).update(
        content_hash=question_content_hashes([flag.question_id])[flag.question_id]
    )
    data = _question_as_the_form_sends_it(flag.question) | {"stem": "What do you do\r\nfirst?  "}

    _save(cms, flag.question, data)

    assert _state(flag) == (True, "", True)


@pytest.mark.parametrize("change", ["unticked", "moved"])
def test_unticking_or_moving_a_held_question_keeps_it_held(cms, flag, change):
    data = _question_as_the_form_sends_it(flag.question, active=change != "unticked")
    if change == "moved":
        data["bank"] = QuestionBank.objects.create(title="Retired questions").pk

    response = _save(cms, flag.question, data)

    assert response.redirect_chain, unescape(response.content.decode())[:3000]
    assert _state(flag) == (True, "", True)


def test_saving_a_held_question_with_its_stem_changed_releases_it_as_changed(cms, flag):
    data = _question_as_the_form_sends_it(flag.question) | {"stem": "Under the new rule, what do you do?"}

    _save(cms, flag.question, data)

    assert _state(flag) == (False, "changed", False)


def test_saving_a_held_question_with_another_right_answer_releases_it_as_changed(cms, flag):
    data = _question_as_the_form_sends_it(flag.question)
    data.pop("choices-0-is_correct")
    data["choices-1-is_correct"] = "on"

    _save(cms, flag.question, data)

    assert _state(flag) == (False, "changed", False)
    assert flag.question.choices.get(is_correct=True).text.startswith("Wrong")


def test_saving_a_held_question_with_a_choices_feedback_changed_releases_it_as_changed(cms, flag):
    data = _question_as_the_form_sends_it(flag.question) | {"choices-1-feedback": "No: see 6.2 as it now reads."}

    _save(cms, flag.question, data)

    assert _state(flag) == (False, "changed", False)


def test_a_question_flagged_twice_is_released_only_when_its_content_changes(cms, policy, flag):
    review_flags_raise(snapshot=factories.make_snapshot(policy, version="3.0"), clauses=["6.2"])
    question = Question.objects.get(pk=flag.question_id)
    _save(cms, question, _question_as_the_form_sends_it(question))
    assert ReviewFlag.objects.filter(question=question, resolved_at__isnull=True).count() == 2

    _save(cms, question, _question_as_the_form_sends_it(question) | {"stem": "A new question?"})

    assert not ReviewFlag.objects.filter(question=question, resolved_at__isnull=True).exists()
    question.refresh_from_db()
    assert not question.held_for_review


def test_the_migration_hashes_flags_raised_before_from_the_question_as_it_is(cms, flag):
    """Any save in the CMS resolved a question's flags, so one still open was raised on the question as it is now."""
    ReviewFlag.objects.filter(question__isnull=False).update(content_hash="")
    migration = importlib.import_module("modules.migrations.0012_review_flag_question_content_hash")

    migration.hash_open_question_flags(apps, None)

    flag.refresh_from_db()
    assert flag.content_hash == question_content_hashes([flag.question_id])[flag.question_id]
    _save(cms, flag.question, _question_as_the_form_sends_it(flag.question))
    assert _state(flag) == (True, "", True)
