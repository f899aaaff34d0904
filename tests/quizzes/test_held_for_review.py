"""A material change to a clause holds its questions back from every quiz until an editor reviews them."""

import datetime

import pytest
from django.utils import timezone

from modules.models import PolicyPage, ReviewFlag
from modules.review import review_flags_resolve
from portal.compliance.models import PolicySnapshot
from quizzes.models import Choice, Question, Quiz
from quizzes.services import AttemptError, attempt_start
from tests import factories


def _material_change_to(policy, number):
    page = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    page.version_label = "2.0"
    page.sections = [
        ("section", {**dict(b.value), "body": "<p>Changed.</p>"} if b.value["number"] == number else dict(b.value))
        for b in page.sections
    ]
    page.change_base = PolicySnapshot.objects.filter(page_id=policy.pk).latest().content_hash
    page.section_changes = [("change", {"section": number, "change": "material", "reason": "New rule"})]
    page.reattest_deadline = timezone.localdate() + datetime.timedelta(days=30)
    page.full_clean()
    page.save_revision().publish()


@pytest.fixture
def quiz(policy):
    quiz = factories.make_quiz(questions=6, per_attempt=3)
    bank = quiz.banks.get()
    for i in range(3):  # three more on a clause the change does not touch
        question = Question.objects.create(bank=bank, kind="single", stem=f"Media {i}?", clause="9")
        Choice.objects.create(question=question, text="Right", is_correct=True, feedback="Yes.")
        Choice.objects.create(question=question, text="Wrong", is_correct=False, feedback="No.")
    return quiz


def _asked_clauses(attempt):
    return {q["clause"] for q in attempt.questions}


def test_questions_on_a_materially_changed_clause_are_not_asked_until_reviewed(person, policy, quiz):
    _material_change_to(policy, "6.2")
    assert Question.objects.filter(clause="6.2", held_for_review=True).count() == 6
    attempt = attempt_start(user=person, quiz=quiz, seed=1)
    assert _asked_clauses(attempt) == {"9"} and len(attempt.questions) == 3


def test_reviewing_a_question_puts_it_back(person, policy, quiz):
    _material_change_to(policy, "6.2")
    reviewed = Question.objects.filter(clause="6.2").first()
    review_flags_resolve(flags=ReviewFlag.objects.filter(question=reviewed), user=None, resolution="confirmed")
    reviewed.refresh_from_db()
    assert not reviewed.held_for_review
    assert reviewed.pk in quiz.active_question_clauses()


def test_too_few_reviewed_questions_keep_the_reviewed_set_or_pause_as_the_editor_chose(person, someone_else, policy):
    quiz = factories.make_quiz(questions=6, per_attempt=5)
    _material_change_to(policy, "6.2")
    assert quiz.short_of_reviewed()
    with pytest.raises(AttemptError, match="paused"):  # none reviewed: nothing to ask
        attempt_start(user=person, quiz=quiz, seed=1)
    for question in Question.objects.filter(clause="6.2")[:2]:
        review_flags_resolve(flags=ReviewFlag.objects.filter(question=question), user=None, resolution="confirmed")
    attempt = attempt_start(user=person, quiz=quiz, seed=1)
    assert len(attempt.questions) == 2  # the reviewed set only, fewer than five
    quiz.when_short_of_reviewed = Quiz.PAUSE
    quiz.save()
    with pytest.raises(AttemptError, match="paused"):
        attempt_start(user=someone_else, quiz=quiz, seed=1)


def test_the_editor_is_told_a_quiz_is_short_of_reviewed_questions(client, person, policy):
    from django.contrib.auth.models import Group
    from django.urls import reverse

    quiz = factories.make_quiz(questions=6, per_attempt=5)
    _material_change_to(policy, "6.2")
    person.groups.add(Group.objects.get(name="Moderators"))
    factories.with_mfa(person)
    factories.sign_in(client, person)
    html = client.get(reverse("modules_review_list")).content.decode()
    assert f"{quiz.title}</strong> has 0 reviewed questions for 5 per attempt while 6 wait for review" in html
    assert "It is paused" in html
