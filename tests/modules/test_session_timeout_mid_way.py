"""A session that runs out mid-way through a module: what the person was doing is kept or picked up after signing in
again, and the timed-out session never acts as them."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from modules.models import ScenarioResponse
from portal.accounts import sessions
from quizzes.models import Attempt
from tests import factories


def signed_in(person) -> Client:
    """A real sign-in through the form, as the person would make it (the session lifetime starts with it)."""
    client = Client()
    response = client.post("/accounts/login/", {"login": person.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def idle(client, minutes=31):
    session = client.session
    session[sessions.SEEN] = int(time.time()) - minutes * 60
    session.save()


def sign_in_again(client, person, login_location: str):
    """Signs in on the page the portal sent them to, and returns where sign-in sends them next."""
    response = client.post(login_location, {"login": person.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return response["Location"]


def right_answers(attempt) -> dict[str, list[str]]:
    return {f"q{q.id}": sorted(str(c) for c in q.correct_ids) for q in attempt.frozen_questions()}


@pytest.fixture
def quiz_under_way(person, module_page):
    client = signed_in(person)
    attempt_url = client.post(reverse("modules:quiz_start", args=[module_page.pk]))["Location"]
    assert client.get(attempt_url).status_code == 200
    return client, attempt_url, Attempt.objects.get(user=person)


def test_answers_submitted_after_the_idle_time_come_back_ticked_after_signing_in(person, quiz_under_way):
    client, attempt_url, attempt = quiz_under_way
    idle(client)
    answers = right_answers(attempt)

    response = client.post(attempt_url, answers)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    attempt.refresh_from_db()
    assert attempt.submitted_at is None  # the timed-out session did not submit as the person
    login_page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in login_page

    assert sign_in_again(client, person, response["Location"]) == attempt_url
    html = client.get(attempt_url).content.decode()
    assert "We kept the answers you gave before you were signed out" in html
    for choice in [choice for chosen in answers.values() for choice in chosen]:
        assert f'value="{choice}" checked' in html, choice


def test_a_timed_out_session_records_nothing_as_the_person(person, module_page, quiz_under_way):
    client, attempt_url, attempt = quiz_under_way
    idle(client)
    block = module_page.scenario_blocks()[0].id

    response = client.post(reverse("modules:scenario_choose", args=[module_page.pk, block]), {"option": "1"})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert not ScenarioResponse.objects.exists()
    assert client.get(attempt_url)["Location"].startswith("/accounts/login/")  # still signed out
    assert "_auth_user_id" not in client.session
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_check_my_choice_after_the_idle_time_comes_back_to_the_scenario_after_signing_in(person, module_page):
    client = signed_in(person)
    idle(client)
    block = module_page.scenario_blocks()[0].id

    response = client.post(reverse("modules:scenario_choose", args=[module_page.pk, block]), {"option": "1"})
    back = client.get(sign_in_again(client, person, response["Location"]))

    assert back.status_code == 302 and back["Location"] == f"{module_page.url}#scenario-{block}"
    assert f'id="scenario-{block}"' in client.get(back["Location"]).content.decode()
    assert not ScenarioResponse.objects.exists()  # the choice is made again, by the person, signed in


def test_start_the_quiz_after_the_idle_time_comes_back_to_the_quiz_after_signing_in(person, module_page):
    client = signed_in(person)
    idle(client)

    response = client.post(reverse("modules:quiz_start", args=[module_page.pk]))
    back = client.get(sign_in_again(client, person, response["Location"]))

    assert back.status_code == 302 and back["Location"] == f"{module_page.url}#quiz"
    page = client.get(back["Location"]).content.decode()
    assert 'id="quiz"' in page and reverse("modules:quiz_start", args=[module_page.pk]) in page
    assert not Attempt.objects.exists()
