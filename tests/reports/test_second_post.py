"""A second post (a bank post, a second part-time post) in another team: the managers of that team see its holder in
a table of their own below the team's live table, and may open the holder's page, read-only; every count stays with
the person's own team, and nothing else (a past day, a reminder, an export) reaches them through the post; a search
finds them as the team page lists them.
Tried with the person, their own manager, the second post's manager, an outsider and HR."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.projection import refresh
from portal.compliance.reminder_sending import reminders_send
from portal.people.models import Assignment, TeamManager
from tests import factories
from tests.reports.conftest import client_for


def yesterday():
    return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


ALSO = "Also working in this team"


@pytest.fixture
def posted(org, hr):
    """Fay Finance (in Finance, managed by Felix) also holds a bank post in Digital (below Grace's Communications).
    Olive manages Estates, where Fay has no post."""
    post = Assignment.objects.create(
        staff=org["fin"], number=f"{org['fin'].employee_number}-2", team=org["digital"], start_date=timezone.localdate()
    )
    estates = factories.make_team("Estates", parent=org["comms"].get_parent())
    olive = factories.make_staff(team=estates, first_name="Olive", last_name="Outsider")
    TeamManager.objects.create(staff=olive, team=estates)
    return {**org, "hr": hr, "post": post, "outsider": olive}


def page(who, name, *args, **query):
    return client_for(who).get(reverse(name, args=args), query)


def test_the_second_posts_manager_sees_them_below_the_team_counted_in_their_own(posted):
    before = page(posted["manager"], "reports:team").context["matrix"]
    html = page(posted["manager"], "reports:team").content.decode()
    assert html.index("Sam Digital") < html.index(ALSO) < html.index("Fay Finance")
    assert "counted in their own team</span>" in html and "They are counted in their own team" in html
    assert "counted in Finance" not in html  # nor is their own team named to a manager who may not see it
    assert reverse("reports:team_person", args=[posted["fin"].pk]) in html
    assert "nhsuk-tag--red" in html.rsplit(ALSO, 1)[1]  # Fay's training is overdue, tagged as the main table does
    matrix = page(posted["manager"], "reports:team").context["matrix"]
    assert (matrix.people_count, [f.figure for f in matrix.figures]) == (
        before.people_count,
        [f.figure for f in before.figures],
    )
    assert "Fay Finance" not in [person.full_name for person, _ in matrix.people]


def test_her_own_team_counts_her_and_no_one_else_lists_her(posted):
    own = page(posted["other"], "reports:team")
    assert "Fay Finance" in [person.full_name for person, _ in own.context["matrix"].people]
    assert ALSO not in own.content.decode()
    assert "Fay Finance" not in page(posted["outsider"], "reports:team").content.decode()
    hr = page(posted["hr"], "reports:team").content.decode()  # the whole organisation: she is in it
    assert ALSO not in hr
    assert "Fay Finance" in page(posted["hr"], "reports:team", team=posted["digital"].pk).content.decode()


def test_not_on_a_past_day(posted):
    html = page(posted["manager"], "reports:team", as_at=yesterday()).content.decode()
    assert ALSO not in html and "Fay Finance" not in html
    assert "are listed below the table for today only, as no history of posts is kept" in html
    theirs = page(posted["manager"], "reports:team_person", posted["fin"].pk).content.decode()
    assert "Only today is shown" in theirs and 'name="as_at' not in theirs  # no date form that would refuse them
    assert 'name="as_at' in page(posted["other"], "reports:team_person", posted["fin"].pk).content.decode()
    person = reverse("reports:team_person", args=[posted["fin"].pk])
    assert client_for(posted["manager"]).get(person, {"as_at": yesterday()}).status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [("manager", 200), ("other", 200), ("hr", 200), ("outsider", 404), ("sam", 404), ("fin", 302)],
)
def test_who_may_open_her_page(posted, who, expected):
    response = page(posted[who], "reports:team_person", posted["fin"].pk)
    assert response.status_code == expected
    if expected == 200:
        assert "Fay Finance" in response.content.decode()


def test_her_page_is_read_only_for_the_second_posts_manager(posted):
    theirs = page(posted["manager"], "reports:team_person", posted["fin"].pk).content.decode()
    assert "holds a post in a team you manage" in theirs and "Send Fay a reminder" not in theirs
    assert "Officer, Finance" not in theirs  # her own team is not named to a manager who may not see it
    own = page(posted["other"], "reports:team_person", posted["fin"].pk).content.decode()
    assert "Send Fay a reminder" in own and "holds a post in a team you manage" not in own and "Officer, Finance" in own


def test_a_post_ended_or_not_started_or_without_a_team_shows_nothing(posted):
    post = posted["post"]
    for fields in (
        {"leave_date": timezone.localdate() - datetime.timedelta(days=1)},
        {"start_date": timezone.localdate() + datetime.timedelta(days=1)},
        {"team": None},
    ):
        Assignment.objects.filter(pk=post.pk).update(start_date=timezone.localdate(), leave_date=None, team=post.team)
        Assignment.objects.filter(pk=post.pk).update(**fields)
        assert ALSO not in page(posted["manager"], "reports:team").content.decode(), fields
        assert page(posted["manager"], "reports:team_person", posted["fin"].pk).status_code == 404, fields


def test_nothing_else_follows_the_post(posted, mailoutbox):
    grace = client_for(posted["manager"])
    response = grace.post(reverse("reports:team_remind"), {"staff": posted["fin"].pk})
    assert response.status_code == 404 and mailoutbox == []
    for name in ("exports:csv", "exports:xlsx"):
        response = grace.get(reverse(name), {"team": posted["digital"].pk})
        assert b"Fay" not in b"".join(response.streaming_content) if response.streaming else response.content
    # 'Find a person' finds her, as the team page lists her (tests/reports/test_find_second_post.py)


def test_the_weekly_digest_tells_her_own_manager_only(posted, mailoutbox):
    monday = timezone.localdate() + datetime.timedelta(
        days=7 - timezone.localdate().weekday()
    )  # Fay has never done the one requirement
    reminders_send(monday)
    digests = {m.to[0]: m.body for m in mailoutbox if "to follow up this week" in m.subject}
    assert "Fay Finance" in digests[posted["other"].work_email]
    assert "Fay Finance" not in digests[posted["manager"].work_email]


@pytest.mark.parametrize("extra", [0, 6])
def test_the_team_page_runs_the_same_queries_however_many_hold_a_post_there(posted, extra, django_assert_num_queries):
    for n in range(extra):
        member = factories.make_staff(team=posted["finance"], first_name=f"Bank{n}")
        Assignment.objects.create(staff=member, number=f"{member.employee_number}-2", team=posted["digital"])
    refresh()
    client = client_for(posted["manager"])
    # as tests/reports/test_team.py counts them, and the people holding a post here with their status rows
    with django_assert_num_queries(7):
        html = client.get(reverse("reports:team")).content.decode()
    assert html.count("counted in their own team</span>") == 1 + extra
