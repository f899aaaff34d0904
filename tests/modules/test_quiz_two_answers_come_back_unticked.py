"""A one-answer question sent with two of its answers (which no browser sends) is refused, signed in
(test_quiz_form_as_sent.py) as at the session's expiry (test_quiz_answers_kept_at_expiry_as_sent.py), and in both the
page comes back with neither ticked: which one the person meant is not known, and a second press of Submit must not
record the one the page happened to pick."""

from django.urls import reverse

from tests.modules.test_quiz_form_as_sent import _right, attempt  # noqa: F401


def test_a_one_answer_question_sent_with_two_answers_comes_back_with_neither_ticked(person_client, attempt):  # noqa: F811
    data = _right(attempt)
    first, *others = attempt.frozen_questions()
    data[f"q{first.id}"] = [choice.id for choice in first.choices]  # both radios of question 1
    response = person_client.post(reverse("modules:attempt", args=[attempt.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200 and "Question 1: select only one answer" in html
    for choice in first.choices:
        assert f'value="{choice.id}" checked' not in html, choice
    for question in others:  # the other answers come back as sent
        for choice_id in question.correct_ids:
            assert f'value="{choice_id}" checked' in html, question
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
