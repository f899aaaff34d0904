"""Answers sent after the session ran out are kept for after signing in again by the rule a submission follows
(test_quiz_form_as_sent.py): a one-answer question sent with two answers, which no browser sends, keeps neither."""

from tests.modules.test_session_timeout_mid_way import idle, quiz_under_way, right_answers, sign_in_again  # noqa: F401


def test_a_one_answer_question_sent_with_two_answers_at_expiry_keeps_neither(person, quiz_under_way):  # noqa: F811
    client, attempt_url, attempt = quiz_under_way
    first, *others = [q for q in attempt.frozen_questions() if not q.allows_several]
    answers = right_answers(attempt)
    answers[f"q{first.id}"] = [choice.id for choice in first.choices[:2]]
    idle(client)

    response = client.post(attempt_url, answers)

    assert response["Location"].startswith("/accounts/login/?next=")
    assert sign_in_again(client, person, response["Location"]) == attempt_url
    html = client.get(attempt_url).content.decode()
    assert "We kept the answers you gave before you were signed out" in html
    for choice in first.choices:
        assert f'value="{choice.id}" checked' not in html, choice
    for question in others:
        assert f'value="{sorted(question.correct_ids)[0]}" checked' in html, question
    # Sent as kept, the question is asked for, as any question left unanswered is.
    kept = {name: values for name, values in answers.items() if name != f"q{first.id}"}
    page = client.post(attempt_url, kept).content.decode()
    number = [q.id for q in attempt.frozen_questions()].index(first.id) + 1
    assert f"Question {number}: select an answer" in page
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
