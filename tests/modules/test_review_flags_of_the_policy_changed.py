"""A material change holds back the quiz questions on the changed clauses of its own policy only. A question names
a clause by its number alone ("6.2"), which the policy of the module its quiz is on gives meaning to, and two
policies have a section 6.2: a material change to the social media policy's 6.2 held back every question tagged
6.2 in every quiz, so the information governance module's quiz paused for its staff, its open attempts stopped
counting, and its questions waited for an editor to confirm them against a section they do not test."""

import pytest

from modules.models import ReviewFlag
from quizzes.models import Question
from quizzes.services import attempt_start
from tests import factories
from tests.quizzes.test_held_for_review import _material_change_to


@pytest.fixture
def modules(home_page):
    """A module on each of two policies, each ending in a quiz of six questions on its policy's section 6.2."""
    social = factories.make_module(policy=factories.make_policy(parent=home_page))
    governance = factories.make_policy(parent=home_page, title="Information Governance Policy")
    return social, factories.make_module(policy=governance)


def _held(module) -> int:
    return Question.objects.filter(bank__quizzes=module.quiz, held_for_review=True).count()


def test_a_material_change_holds_back_the_questions_of_its_own_policys_quizzes_only(person, modules):
    social, governance = modules

    _material_change_to(social.policy, "6.2")

    assert _held(social) == 6
    assert ReviewFlag.objects.filter(question__bank__quizzes=social.quiz).count() == 6
    assert _held(governance) == 0
    assert not ReviewFlag.objects.filter(question__bank__quizzes=governance.quiz).exists()
    attempt = attempt_start(user=person, quiz=governance.quiz, page=governance)
    assert len(attempt.questions) == 5


def test_a_quiz_on_no_module_yet_is_held_back_as_before(modules):
    """Nobody takes it until it is placed on a module, whose policy may be this one: its questions wait too."""
    social, _ = modules
    unplaced = factories.make_quiz()

    _material_change_to(social.policy, "6.2")

    assert Question.objects.filter(bank__quizzes=unplaced, held_for_review=True).count() == 6
