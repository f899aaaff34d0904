"""Every learning view with the person, someone else and an anonymous visitor."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from modules.models import ModuleCompletion, ModuleIndexPage, ScenarioResponse
from quizzes.models import Attempt
from quizzes.services import attempt_start
from tests import factories


def login_url_for(path):
    return f"/accounts/login/?next={path}"


def first_scenario_id(module):
    return module.scenario_blocks()[0].id


def answers_for(attempt, right=True):
    data = {}
    for q in attempt.frozen_questions():
        ids = sorted(q.correct_ids) if right else [next(c.id for c in q.choices if not c.correct)]
        data[f"q{q.id}"] = ids
    return data


@pytest.fixture
def attempt(person, module_page):
    return attempt_start(user=person, quiz=module_page.quiz, page=module_page)


# --- anonymous visitors are sent to sign in ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, module_page, attempt, method):
    block = first_scenario_id(module_page)
    urls = [
        reverse("modules:index"),
        module_page.url,
        reverse("modules:scenario_choose", args=[module_page.pk, block]),
        reverse("modules:quiz_start", args=[module_page.pk]),
        reverse("modules:attempt", args=[attempt.pk]),
        reverse("modules:attempt_result", args=[attempt.pk]),
    ]
    for url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    assert not ScenarioResponse.objects.exists()


# --- someone else never sees or changes the person's attempt ---------------------------------------------------------


def test_someone_else_gets_404_for_the_persons_attempt_and_result(client, someone_else, attempt):
    factories.sign_in(client, someone_else)
    for name in ["modules:attempt", "modules:attempt_result"]:
        assert client.get(reverse(name, args=[attempt.pk])).status_code == 404
    response = client.post(reverse("modules:attempt", args=[attempt.pk]), answers_for(attempt))
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_someone_elses_progress_is_not_shown_to_the_person(person_client, someone_else, module_page):
    ScenarioResponse.objects.create(
        user=someone_else,
        page=module_page,
        block_id=first_scenario_id(module_page),
        option_index=1,
        option_text="Option 2",
        expected=True,
    )
    response = person_client.get(module_page.get_parent().url)
    assert "Not started" in response.content.decode()


# --- the person --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["modules:scenario_choose", "modules:quiz_start"])
def test_state_changing_views_change_nothing_on_get_and_go_back_to_the_module(person, person_client, module_page, name):
    """A GET is what signing in again after the session ran out comes back with: it goes to the place on the module
    page the button was, and records nothing."""
    block = first_scenario_id(module_page)
    args = [module_page.pk, block] if name == "modules:scenario_choose" else [module_page.pk]
    response = person_client.get(reverse(name, args=args))
    place = f"#scenario-{block}" if name == "modules:scenario_choose" else "#quiz"
    assert response.status_code == 302 and response["Location"] == f"{module_page.url}{place}"
    assert not ScenarioResponse.objects.exists() and not Attempt.objects.exists()
    assert f'id="{place[1:]}"' in person_client.get(module_page.url).content.decode()


def test_choosing_no_option_shows_the_error_summary_and_records_nothing(person_client, module_page):
    block = first_scenario_id(module_page)
    response = person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, block]), follow=True)
    html = response.content.decode()
    assert "There is a problem" in html and "Scenario 1: choose an option" in html
    assert f'href="#scenario-{block}-option-0"' in html
    assert not ScenarioResponse.objects.exists()


def test_choosing_an_option_records_it_and_shows_its_feedback(person, person_client, module_page):
    block = first_scenario_id(module_page)
    url = reverse("modules:scenario_choose", args=[module_page.pk, block])
    response = person_client.post(url, {"option": "0"})
    assert response.status_code == 302 and response["Location"].endswith(f"#scenario-{block}")
    page = person_client.get(module_page.url).content.decode()
    assert "Not what the policy expects" in page and "Feedback 1" in page
    person_client.post(url, {"option": "1"})
    page = person_client.get(module_page.url).content.decode()
    assert "What the policy expects" in page and "Feedback 2" in page
    responses = ScenarioResponse.objects.filter(user=person).order_by("pk")
    assert [(r.option_index, r.expected, r.option_text) for r in responses] == [
        (0, False, "Option 1"),
        (1, True, "Option 2"),
    ]


def test_the_enhanced_scenario_gets_feedback_as_json(person_client, module_page):
    block = first_scenario_id(module_page)
    response = person_client.post(
        reverse("modules:scenario_choose", args=[module_page.pk, block]),
        {"option": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert "What the policy expects" in response.json()["feedback_html"]


def test_an_option_out_of_range_records_nothing(person_client, module_page):
    block = first_scenario_id(module_page)
    person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, block]), {"option": "7"})
    assert not ScenarioResponse.objects.exists()


def test_a_scenario_post_without_a_csrf_token_is_refused(person, module_page):
    client = Client(enforce_csrf_checks=True)
    factories.sign_in(client, person)
    block = first_scenario_id(module_page)
    response = client.post(reverse("modules:scenario_choose", args=[module_page.pk, block]), {"option": "1"})
    assert response.status_code == 403
    assert not ScenarioResponse.objects.exists()


def test_the_whole_quiz_journey_through_the_views(person, person_client, module_page):
    for child in module_page.scenario_blocks():
        person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, child.id]), {"option": "1"})
    start = reverse("modules:quiz_start", args=[module_page.pk])

    # First attempt: all wrong.
    attempt_url = person_client.post(start)["Location"]
    attempt = Attempt.objects.get(user=person)
    assert person_client.get(attempt_url).status_code == 200
    result = person_client.post(attempt_url, answers_for(attempt, right=False), follow=True).content.decode()
    assert "You did not pass this time" in result and "policy section 6.2" in result
    assert "Re-read the module before you try again" not in result

    # A double submission records nothing new.
    attempt.refresh_from_db()
    before = (attempt.submitted_at, attempt.correct_count, attempt.answers)
    person_client.post(attempt_url, answers_for(attempt, right=True))
    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.correct_count, attempt.answers) == before

    # Second failure: the re-read advice appears, and trying again still works.
    second_url = person_client.post(start)["Location"]
    second = Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", second_url).group(1)))
    result = person_client.post(second_url, answers_for(second, right=False), follow=True).content.decode()
    assert "Re-read the module before you try again" in result
    assert "I have re-read the module: try again" in result

    # Then pass: the module is complete.
    third_url = person_client.post(start)["Location"]
    third = Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", third_url).group(1)))
    result = person_client.post(third_url, answers_for(third, right=True), follow=True).content.decode()
    assert "You passed" in result and "Module completed" in result
    assert ModuleCompletion.objects.filter(user=person, page=module_page, attempt=third).count() == 1
    modules = person_client.get(module_page.get_parent().url).content.decode()
    assert "Completed" in modules


def test_an_unanswered_question_reshows_the_form_with_the_answers_kept(person, person_client, module_page, attempt):
    answers = answers_for(attempt)
    missing = next(iter(answers))
    kept = answers.copy()
    kept.pop(missing)
    response = person_client.post(reverse("modules:attempt", args=[attempt.pk]), kept)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "select an answer" in html
    for field, values in kept.items():
        assert re.search(rf'name="{field}" type="radio" value="{values[0]}" checked', html)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_answers_survive_a_session_that_expired_mid_quiz(person, module_page, attempt):
    client = Client()
    url = reverse("modules:attempt", args=[attempt.pk])
    answers = answers_for(attempt)
    response = client.post(url, answers)  # the session has gone: the person is anonymous now
    assert response.status_code == 302 and response["Location"] == login_url_for(url)
    client.post("/accounts/login/", {"login": person.email, "password": factories.PASSWORD})
    html = client.get(url).content.decode()
    assert "We kept the answers you gave" in html
    for field, values in answers.items():
        assert re.search(rf'name="{field}" type="radio" value="{values[0]}" checked', html)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None  # kept, not submitted behind the person's back


@pytest.mark.parametrize("modules", [1, 5])
def test_the_list_of_modules_runs_a_constant_number_of_queries(
    person_client, policy, django_assert_num_queries, modules
):
    for _ in range(modules):
        factories.make_module(policy=policy)
    index = policy.get_parent().get_children().type(ModuleIndexPage).get().specific
    # 1 site, 2 session, 3 user, 4 sites' root paths, 5-6 the page routed to (home, then the index in its own type:
    # `HomePage.route`), 7-8 its ancestors' aliases and view restrictions, 9 the module pages, 10 scenarios held for
    # review with the person's answers (one UNION), 11 attempts, 12 completions. The breadcrumbs use the pages
    # routing read.
    with django_assert_num_queries(12):  # fails the test if the count differs
        assert person_client.get(index.url).status_code == 200


def test_a_failure_while_recording_the_completion_leaves_the_quiz_to_submit_again(
    person, person_client, module_page, monkeypatch
):
    """The database going away between the answers and the module's completion: nothing half-recorded; submitting
    again records the answers, the completion and its ledger entry, once."""
    from django.db import OperationalError

    from modules import services as module_services
    from portal.compliance.models import EvidenceEntry

    factories.make_staff(user=person)
    factories.make_requirement(name="Social media module", kind="complete_module", page=module_page)
    for child in module_page.scenario_blocks():
        person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, child.id]), {"option": "1"})
    attempt_url = person_client.post(reverse("modules:quiz_start", args=[module_page.pk]))["Location"]
    attempt = Attempt.objects.get(user=person)
    real = module_services.module_completion_record_if_complete

    def connection_lost(**kwargs):
        real(**kwargs)  # written, then the connection goes before the commit
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(module_services, "module_completion_record_if_complete", connection_lost)
    with pytest.raises(OperationalError):
        person_client.post(attempt_url, answers_for(attempt))
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not ModuleCompletion.objects.exists()
    assert not EvidenceEntry.objects.exists()

    monkeypatch.setattr(module_services, "module_completion_record_if_complete", real)
    result = person_client.post(attempt_url, answers_for(attempt), follow=True).content.decode()
    assert "You passed" in result and "Module completed" in result
    person_client.post(attempt_url, answers_for(attempt))  # and a third press records nothing more
    assert ModuleCompletion.objects.count() == 1
    assert EvidenceEntry.objects.count() == 1
