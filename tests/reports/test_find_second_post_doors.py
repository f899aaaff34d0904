"""'Find a person' through a second post (185ed8a) tried at its edges: whoever Find shows a manager through a post is
exactly whoever their team page lists under 'Also working in this team' (a post ending today, one starting tomorrow,
one in a closed team, a holder who has left or has not started, a manager who stopped today or starts tomorrow), once
however many of their teams the person holds posts in; only by what that page shows (not an old name, an old number,
the post's own number or a work email); a found row opens today's read-only page and no past day; and the search's
queries do not grow with the number of people found through posts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.people.models import Assignment, StaffMember, Team, TeamManager
from tests import factories
from tests.reports.conftest import client_for

FIND = reverse("reports:find")
THROUGH = "Through a post in your teams"


# Read when a test runs, not when the file is imported: a run going past midnight would otherwise move the edges.
def _today():
    return timezone.localdate()


def _yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def _tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def bo(org):
    """Bo Bank, in Finance (Felix's), holds a bank post in Digital, below Grace's Communications. Grace manages
    Estates too, so that she may still search when she no longer manages Communications."""
    estates = factories.make_team("Estates", parent=org["comms"].get_parent())
    TeamManager.objects.create(staff=org["manager"], team=estates)
    bo = factories.make_staff(team=org["finance"], first_name="Bo", last_name="Bank")
    post = Assignment.objects.create(staff=bo, number=f"{bo.employee_number}-2", team=org["digital"])
    return {**org, "bo": bo, "post": post}


def _people(who, q) -> str:
    response = client_for(who).get(FIND, {"q": q})
    assert response.status_code == 200
    return response.content.decode().split('id="people"', 1)[1].split('id="teams"', 1)[0]


def _listed_on_team_page(who) -> bool:
    html = client_for(who).get(reverse("reports:team")).content.decode()
    return "Also working in this team" in html and "Bo Bank" in html.split("Also working in this team", 1)[1]


def _post(bo, **fields):
    Assignment.objects.filter(pk=bo["post"].pk).update(**fields)


def _person(bo, **fields):
    StaffMember.objects.filter(pk=bo["bo"].pk).update(**fields)


def _manager(bo, **fields):
    TeamManager.objects.filter(staff=bo["manager"], team=bo["comms"]).update(**fields)


EDGES = {
    "held": (lambda bo: None, True),
    "the post ends today": (lambda bo: _post(bo, leave_date=_today()), True),
    "the post ended yesterday": (lambda bo: _post(bo, leave_date=_yesterday()), False),
    "the post starts tomorrow": (lambda bo: _post(bo, start_date=_tomorrow()), False),
    "the post started today": (lambda bo: _post(bo, start_date=_today()), True),
    "the post's team closed today": (
        lambda bo: Team.objects.filter(pk=bo["digital"].pk).update(closed_on=_today()),
        False,
    ),
    "the post's team closes tomorrow": (
        lambda bo: Team.objects.filter(pk=bo["digital"].pk).update(closed_on=_tomorrow()),
        True,
    ),
    "the holder left yesterday": (lambda bo: _person(bo, leave_date=_yesterday()), False),
    "the holder leaves today": (lambda bo: _person(bo, leave_date=_today()), True),
    "the holder starts tomorrow": (lambda bo: _person(bo, start_date=_tomorrow()), False),
    "her own team closed today, its manager kept": (
        lambda bo: Team.objects.filter(pk=bo["comms"].pk).update(closed_on=_today()),
        True,
    ),
    "the manager stopped today": (lambda bo: _manager(bo, ended_on=_today()), False),
    "the manager starts tomorrow": (lambda bo: _manager(bo, started_on=_tomorrow()), False),
}


@pytest.mark.parametrize("edge", EDGES)
def test_find_shows_through_a_post_exactly_whom_the_team_page_lists(bo, edge):
    change, listed = EDGES[edge]
    change(bo)
    found = _people(bo["manager"], "Bo")
    assert ("Bo Bank" in found) is listed
    assert (THROUGH in found) is listed
    assert ("People (1)" if listed else "People (0)") in found
    assert _listed_on_team_page(bo["manager"]) is listed


def test_posts_in_two_of_her_teams_find_him_once(bo):
    Assignment.objects.create(staff=bo["bo"], number=f"{bo['bo'].employee_number}-3", team=bo["comms"])
    found = _people(bo["manager"], "Bo")
    assert "People (1)" in found and found.count("Bo Bank</a>") == 1


def test_his_own_teams_manager_who_also_manages_the_post_team_finds_him_in_his_own_team(bo):
    TeamManager.objects.create(staff=bo["other"], team=bo["digital"])
    found = _people(bo["other"], "Bo")
    assert "People (1)" in found and ">Finance<" in found and THROUGH not in found


def test_hr_finds_him_in_his_own_team(bo, hr):
    found = _people(hr, "Bo")
    assert "People (1)" in found and ">Finance<" in found and THROUGH not in found


@pytest.mark.parametrize("what", ["old name", "old number", "the post's number", "work email"])
def test_not_found_by_what_the_page_does_not_show(bo, what):
    person = bo["bo"]
    old_number = person.employee_number
    if what in ("old name", "old number"):
        from portal.people.history import staff_changes_record

        person.first_name, person.employee_number = "Bartholomew", "E7777777"
        person.save()
        staff_changes_record([person])
    q = {
        "old name": "Bo",
        "old number": old_number,
        "the post's number": bo["post"].number,
        "work email": person.work_email.split("@")[0],
    }[what]
    found = _people(bo["manager"], q)
    assert "People (0)" in found and "Bank" not in found


def test_a_found_row_opens_today_and_no_past_day(bo):
    grace = client_for(bo["manager"])
    found = _people(bo["manager"], "Bo")
    page = reverse("reports:team_person", args=[bo["bo"].pk])
    assert f'href="{page}"' in found
    assert grace.get(page).status_code == 200
    for basis in ("as_it_was", "as_recorded"):
        response = grace.get(page, {"as_at": _yesterday().isoformat(), "basis": basis})
        assert response.status_code == 404 and "Bo Bank" not in response.content.decode()


def test_the_downloads_of_her_teams_do_not_follow_the_found_row(bo):
    grace = client_for(bo["manager"])
    for name in ("exports:csv", "exports:xlsx"):
        response = grace.get(reverse(name), {"team": bo["digital"].pk})
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Bo" not in body or name == "exports:xlsx"  # the workbook is zipped: read below
        if name == "exports:xlsx":
            import io

            from openpyxl import load_workbook

            cells = [str(c.value) for ws in load_workbook(io.BytesIO(body)) for row in ws.iter_rows() for c in row]
            assert not [cell for cell in cells if "Bank" in cell]


@pytest.mark.parametrize("posted", [1, 6])
def test_the_search_runs_the_same_queries_however_many_are_found_through_posts(bo, posted, django_assert_num_queries):
    for n in range(posted - 1):
        person = factories.make_staff(team=bo["finance"], first_name=f"Bo{n}", last_name="Bank")
        Assignment.objects.create(staff=person, number=f"{person.employee_number}-2", team=bo["digital"])
        Assignment.objects.create(staff=person, number=f"{person.employee_number}-3", team=bo["comms"])
    grace = client_for(bo["manager"])
    # session, user, the names of the teams above hers, the teams she manages (the choices), the teams she manages
    # (the people she may find), the first people found with their teams, how many
    with django_assert_num_queries(7):
        html = grace.get(FIND, {"q": "Bank"}).content.decode()
    assert f"People ({posted})" in html and html.count(THROUGH) == posted


@pytest.mark.parametrize("posts", [1, 4])
def test_his_page_runs_the_same_queries_however_many_posts_he_holds_there(bo, posts, django_assert_num_queries):
    for n in range(posts - 1):
        team = factories.make_team(f"Bay {n}", parent=bo["comms"])
        Assignment.objects.create(staff=bo["bo"], number=f"{bo['bo'].employee_number}-{n + 3}", team=team)
    grace = client_for(bo["manager"])
    # session, user; the teams she manages and the people of them (not him); the teams she manages again and those
    # holding a post in them (him); whether a post of his is in a team she manages (97afa0e); the audit line; his
    # certificates' states, his status rows, his certificates, his history
    with django_assert_num_queries(12):
        html = grace.get(reverse("reports:team_person", args=[bo["bo"].pk])).content.decode()
    assert "Bo holds a post in a team you manage or a team below it." in html


def test_a_manager_of_his_post_team_who_is_himself_finds_himself_once_in_his_own_team(bo):
    TeamManager.objects.create(staff=bo["bo"], team=bo["digital"])
    found = _people(bo["bo"], "Bo")
    assert "People (1)" in found and ">Finance<" in found and THROUGH not in found
