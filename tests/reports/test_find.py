"""Finding a person or a team by name or employee number (reports:find): HR among everyone, a manager among their
own teams, with the list capped and the queries constant however many match."""

import pytest
from django.urls import reverse

from portal.reports.find import FIND_LIMIT
from tests import factories
from tests.reports.conftest import client_for

FIND = reverse("reports:find")


def test_hr_finds_a_person_by_part_of_their_name_and_by_employee_number(org, hr):
    client = client_for(hr)
    html = client.get(FIND, {"q": "digi"}).content.decode()
    assert f'href="{reverse("reports:team_person", args=[org["sam"].pk])}"' in html
    assert "People (1)" in html and org["sam"].employee_number in html
    html = client.get(FIND, {"q": org["fin"].employee_number.lower()}).content.decode()
    assert "Fay Finance" in html and "People (1)" in html


def test_every_word_must_match_and_leavers_come_after_the_people_in_post(org, hr):
    factories.make_staff(team=org["comms"], first_name="Lee", last_name="Current")
    client = client_for(hr)
    html = client.get(FIND, {"q": "lee"}).content.decode()
    assert "People (2)" in html
    assert html.index("Lee Current") < html.index("Lee Leaver") and "Left 1 Jan 2025" in html
    html = client.get(FIND, {"q": "lee leav"}).content.decode()
    assert "People (1)" in html and "Lee Current" not in html


def test_hr_finds_a_team_with_where_it_sits(org, hr):
    html = client_for(hr).get(FIND, {"q": "DIGITAL"}).content.decode()
    assert "Teams (1)" in html
    assert f'href="{reverse("reports:team")}?team={org["digital"].pk}"' in html
    assert "In Organisation › Communications" in html


def test_a_manager_finds_only_among_their_own_teams(org):
    client = client_for(org["manager"])
    html = client.get(FIND, {"q": "Digital"}).content.decode()
    assert "Sam Digital" in html and "Teams (1)" in html
    assert "In Organisation › Communications" in html  # named above their own team too
    html = client.get(FIND, {"q": "Finance"}).content.decode()
    assert "People (0)" in html and "Teams (0)" in html and "Fay Finance" not in html
    html = client.get(FIND, {"q": org["fin"].employee_number}).content.decode()
    assert "People (0)" in html


def test_staff_who_manage_no_one_are_refused_and_visitors_sent_to_sign_in(client, org):
    assert client_for(org["sam"]).get(FIND, {"q": "Fay"}).status_code == 403
    assert client.get(FIND, {"q": "Fay"})["Location"].startswith("/accounts/login/")


def test_a_long_list_is_capped_and_says_how_many_match(org, hr):
    for n in range(FIND_LIMIT + 5):
        factories.make_staff(team=org["finance"], first_name=f"Nurse{n:02d}", last_name="Patel")
    html = client_for(hr).get(FIND, {"q": "patel"}).content.decode()
    assert f"People ({FIND_LIMIT + 5})" in html
    assert f"The first {FIND_LIMIT} of {FIND_LIMIT + 5}" in html
    assert html.count(">Nurse") == FIND_LIMIT


@pytest.mark.parametrize(
    ("words", "message"),
    [("x" * 101, "Enter 100 characters or fewer"), ("Fay\x00", "Remove the control character U+0000")],
)
def test_bad_words_are_named_and_nothing_is_listed(org, hr, words, message):
    response = client_for(hr).get(FIND, {"q": words})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "There is a problem" in html and "People (" not in html


def test_an_empty_search_shows_only_the_form(org, hr):
    html = client_for(hr).get(FIND, {"q": "   "}).content.decode()
    assert 'name="q"' in html and "People (" not in html


def test_the_team_page_and_the_organisation_report_offer_the_search(org, hr):
    client = client_for(hr)
    for page in (reverse("reports:team"), reverse("hr_reports:organisation")):
        assert f'action="{FIND}"' in client.get(page).content.decode()


@pytest.mark.parametrize("extra", [0, 10])
def test_finding_runs_a_constant_number_of_queries(org, hr, extra, django_assert_num_queries):
    for n in range(extra):
        team = factories.make_team(f"Ward {n}", parent=org["comms"])
        factories.make_staff(team=team, first_name=f"Extra{n}", last_name="Ward")
    hr_client, manager_client = client_for(hr), client_for(org["manager"])
    # session, user, HR's group, every team (the choices, searched in Python), the first people who match with their
    # teams, how many match.
    with django_assert_num_queries(6):
        assert hr_client.get(FIND, {"q": "ward"}).status_code == 200
    # A manager: no group query (a session with no second factor is not HR), but the names of the teams above theirs,
    # and the teams they manage today, for the people they may see.
    with django_assert_num_queries(7):
        assert manager_client.get(FIND, {"q": "ward"}).status_code == 200
