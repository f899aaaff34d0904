"""A quiz set to ask one question per attempt (an editor's choice, 71f47f0) is named on its module's page in the
singular, as the attempt page says 'Answer the question.': it read '1 questions.'"""

from tests import factories


def test_a_quiz_of_one_question_per_attempt_says_one_question(person_client, policy):
    module = factories.make_module(policy=policy, quiz=factories.make_quiz(questions=3, per_attempt=1))
    html = " ".join(person_client.get(module.url).content.decode().split())
    assert "1 question. You need 80% to pass." in html and "1 questions" not in html


def test_a_quiz_of_several_questions_per_attempt_says_how_many(person_client, policy):
    module = factories.make_module(policy=policy, quiz=factories.make_quiz(questions=6, per_attempt=5))
    assert "5 questions. You need 80% to pass." in " ".join(person_client.get(module.url).content.decode().split())
