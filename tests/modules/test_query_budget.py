"""A module's page, a quiz's submission and its result run a fixed number of queries, however many scenarios,
questions and answers there are. Each pin counts every statement, the savepoints of the test's transaction too."""

import time

import pytest
from django.db import connection
from django.urls import reverse

from modules.models import ModuleCompletion
from portal.accounts import sessions
from portal.compliance.models import EvidenceEntry
from quizzes.services import attempt_start
from tests import factories

SIZES = [(1, 3), (6, 8)]  # (scenarios, questions per attempt)


def _module(policy, scenarios: int, questions: int):
    quiz = factories.make_quiz(questions=questions + 2, per_attempt=questions)
    return factories.make_module(policy=policy, scenarios=scenarios, quiz=quiz)


def _work_through(client, module) -> None:
    for block in module.scenario_blocks():
        client.post(reverse("modules:scenario_choose", args=[module.pk, block.id]), {"option": "1"})


def _checked_just_now(client) -> None:
    """Date the session's last once-a-minute check (`sessions.CHECK_EVERY`: the person's epoch and leave date read
    again, the session saved) to now: on a machine slow enough that a minute passes between signing in and the
    request measured, that check fell in it and added four or five statements to a count that is the page's own."""
    session = client.session
    session[sessions.SEEN] = int(time.time())
    session.save()


def _right_answers(attempt) -> dict:
    return {f"q{question.id}": sorted(question.correct_ids) for question in attempt.frozen_questions()}


@pytest.fixture
def learner(person):
    """A person on the staff roster whom a requirement asks to complete the modules: a pass records evidence."""
    return factories.make_staff(user=person, team=factories.make_team("Ward", kind="organisation"))


@pytest.mark.parametrize(("scenarios", "questions"), SIZES)
def test_the_module_page_runs_12_queries(
    person, person_client, policy, scenarios, questions, django_assert_num_queries
):
    module = _module(policy, scenarios, questions)
    _work_through(person_client, module)
    attempt_start(user=person, quiz=module.quiz, page=module)  # a quiz begun: "Continue the quiz"
    person_client.get(module.url)  # Wagtail caches the site's root paths after the first page
    _checked_just_now(person_client)
    # 1 session, 2 user, 3 the site with its home page, 4 the home page in its own type, 5 the module index (one
    # query: `HomePage.route`), 6 the module with its policy (`ModuleIndexPage.route`), 7-8 the ancestors' aliases and
    # view restrictions (Wagtail), 9 the scenarios held for review, the person's answers and their status rows on the
    # requirements naming the module (one UNION), 10 attempts, 11 completions, 12 the quiz. The breadcrumbs use the
    # pages routing read; the header asks nothing.
    with django_assert_num_queries(12):
        assert person_client.get(module.url).status_code == 200


@pytest.mark.parametrize(("scenarios", "questions"), SIZES)
def test_the_quiz_result_runs_8_queries(person, person_client, policy, scenarios, questions, django_assert_num_queries):
    module = _module(policy, scenarios, questions)
    _work_through(person_client, module)
    attempt = attempt_start(user=person, quiz=module.quiz, page=module)
    person_client.post(reverse("modules:attempt", args=[attempt.pk]), _right_answers(attempt))
    url = reverse("modules:attempt_result", args=[attempt.pk])
    person_client.get(url)
    _checked_just_now(person_client)
    # 1 session, 2 user, 3 the attempt with its quiz, module and the module's policy, 4 held scenarios, answers and
    # status rows, 5 attempts, 6 completions, 7 the site (the links' host), 8 the module's ancestors (breadcrumbs).
    with django_assert_num_queries(8):
        assert person_client.get(url).status_code == 200


# The module's own part is 8 statements: 1 session, 2 user, 3 the attempt with its quiz, module and policy (and whether
# a view restriction or an alias is on the module or above it: none here, so none are read), 4 the view's transaction (a
# savepoint here, inside the test's), 5 the answers and result (one UPDATE, compare-and-set), 6 are the scenarios done
# (held ones aside: one UNION), 7 the completion, and its RELEASE last (18th; 17th on PostgreSQL). The compliance
# service's (`module_completion_evidence`, `evidence_record`, in the same transaction, no savepoint of its own): 8 the
# requirements naming the module, with the person's id (whose lock to take) and whether each has re-attestation rounds
# (none here, so none are read), 9 whether the entry's key is recorded and the new entry's id (one statement); then,
# under the person's lock (`projection.refresh_pair`), 10 the person with their roster history (one join: the status is
# judged from this reading), 11 their entries on the requirement, 12 their status row (one upsert), 13-14 their runs
# deleted and inserted (`intervals.person_intervals_rebuild`, from the readings 8, 10 and 11); 15 the chain's head
# locked, 16 the entry, 17 the head moved (`ledger.seal`). PostgreSQL adds the person's advisory lock before 9 and sends
# the runs by COPY, which the count does not see, and sends 16 and 17 as one query (the head held one round trip less):
# 17. Outside a test's transaction there is no savepoint: 16, and 15 on PostgreSQL. A requirement naming an old alias of
# the module (`aliasing`) is found in the same read as one naming the module (9).
SUBMISSION = {"sqlite": 18, "postgresql": 17}


@pytest.mark.parametrize(("scenarios", "questions"), SIZES)
def test_a_passing_submission_runs_a_fixed_number_of_queries(
    learner, person_client, policy, scenarios, questions, django_assert_num_queries
):
    module = _module(policy, scenarios, questions)
    factories.make_requirement(name=f"Module {module.pk}", kind="complete_module", page=module)
    _work_through(person_client, module)
    attempt = attempt_start(user=learner.user, quiz=module.quiz, page=module)
    _checked_just_now(person_client)
    with django_assert_num_queries(SUBMISSION[connection.vendor]):
        response = person_client.post(reverse("modules:attempt", args=[attempt.pk]), _right_answers(attempt))
    assert response["Location"] == reverse("modules:attempt_result", args=[attempt.pk])
    assert learner.statuses.get().completed_on is not None  # the pass is in the ledger and the person's standing


def test_someone_on_no_staff_list_passes_and_no_standing_is_recorded(person, person_client, policy):
    """A CMS editor trying a module out: the pass is theirs, the requirement naming the module has no one to record."""
    module = _module(policy, 1, 3)
    requirement = factories.make_requirement(name=f"Module {module.pk}", kind="complete_module", page=module)
    _work_through(person_client, module)
    attempt = attempt_start(user=person, quiz=module.quiz, page=module)
    response = person_client.post(reverse("modules:attempt", args=[attempt.pk]), _right_answers(attempt))
    assert response["Location"] == reverse("modules:attempt_result", args=[attempt.pk])
    assert ModuleCompletion.objects.filter(user=person, page=module).exists()
    assert not EvidenceEntry.objects.filter(requirement=requirement).exists()
