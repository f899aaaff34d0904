"""The doors around a person's page opened through a second post (portal.reports.posts), tried by hand as the post
team's manager would. Each is refused, or shows what the live read-only page shows and no more."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.compliance.models import Certificate, EvidenceEntry, Requirement
from portal.compliance.organisation import team_close, team_move
from portal.people.models import Assignment, StaffMember, TeamManager
from tests import factories
from tests.reports.conftest import client_for


@pytest.fixture
def posted(org):
    """Fay Finance (in Finance, managed by Felix) also holds a bank post in Digital (below Grace's Communications)."""
    today = timezone.localdate()
    post = Assignment.objects.create(
        staff=org["fin"], number=f"{org['fin'].employee_number}-2", team=org["digital"], start_date=today
    )
    return {**org, "post": post}


def person_page(who, staff, **query):
    return client_for(who).get(reverse("reports:team_person", args=[staff.pk]), query)


@pytest.mark.parametrize("typed", ["31/02/2024", "tomorrow", "9999-99-99", "2024-13-01"])
def test_a_date_typed_wrong_names_neither_her_team_nor_offers_a_day(posted, typed):
    response = person_page(posted["manager"], posted["fin"], as_at=typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Fay Finance" in html and "holds a post in a team you manage" in html
    assert "Finance" not in html.replace("Fay Finance", "")  # her own team is not named
    assert 'name="as_at' not in html  # no date form that would be refused


def test_a_date_typed_wrong_still_offers_her_own_manager_the_form(posted):
    response = person_page(posted["other"], posted["fin"], as_at="31/02/2024")
    html = response.content.decode()
    assert response.status_code == 400 and 'name="as_at' in html and "holds a post in a team you manage" not in html


def _bank_pool(posted):
    """A team below Grace's Communications with no one in it, where Fay's bank post is."""
    pool = factories.make_team("Bank pool", parent=posted["comms"], kind="sub_team")
    Assignment.objects.filter(pk=posted["post"].pk).update(team=pool)
    return pool


def test_a_post_in_a_team_that_closed_shows_her_no_more(posted, hr):
    """A team with someone in post may not close (compliance.organisation.team_close), but a post held there does not
    stop it: from the closing day the post is not held, as the roster refuses a post in a closed team, and the
    managers of the teams above it no longer list her or open her page through it."""
    today = timezone.localdate()
    pool = _bank_pool(posted)
    assert "Fay Finance" in page_html(posted["manager"])  # the post in the pool shows her to Grace, above it
    team_close(team=pool, closed_on=today, user=hr.user)
    assert "Fay Finance" not in page_html(posted["manager"])
    assert person_page(posted["manager"], posted["fin"]).status_code == 404
    assert person_page(posted["other"], posted["fin"]).status_code == 200  # her own team's manager, as before


def listed_apart(who, **query) -> list[str]:
    """The names under "Also working in this team" on `who`'s team page today."""
    response = client_for(who).get(reverse("reports:team"), query)
    return [person.full_name for person, _ in response.context["also"]]


def page_html(who, **query):
    return client_for(who).get(reverse("reports:team"), query).content.decode()


DAY = datetime.timedelta(days=1)


# Days from today, read in the test: read when the file was imported, a run going past midnight asked about
# other days.
@pytest.mark.parametrize(
    ("post", "person", "listed"),
    [
        ({"leave_date": 0}, {}, True),  # the post's last day
        ({"leave_date": 1}, {}, True),
        ({"leave_date": -1}, {}, False),
        ({"start_date": 1}, {}, False),
        ({}, {"leave_date": 0}, True),  # her own last day
        ({}, {"leave_date": -1}, False),  # she left; the post has no leave date
        ({}, {"start_date": 1}, False),  # not in post yet
    ],
)
def test_a_post_counts_from_its_first_day_to_its_holders_and_its_own_last(posted, post, person, listed):
    today = timezone.localdate()
    post = {field: today + days * DAY for field, days in post.items()}
    person = {field: today + days * DAY for field, days in person.items()}
    Assignment.objects.filter(pk=posted["post"].pk).update(**post)
    StaffMember.objects.filter(pk=posted["fin"].pk).update(**person)
    assert ("Fay Finance" in page_html(posted["manager"])) is listed
    assert person_page(posted["manager"], posted["fin"]).status_code == (200 if listed else 404)


def test_a_closed_account_is_listed_as_the_teams_own_table_lists_one(posted):
    User.objects.filter(pk=posted["fin"].user_id).update(is_active=False)
    assert "Fay Finance" in page_html(posted["manager"])
    assert person_page(posted["manager"], posted["fin"]).status_code == 200


def test_a_manager_whose_management_ended_today_sees_her_no_more(posted):
    today = timezone.localdate()
    TeamManager.objects.filter(staff=posted["manager"]).update(ended_on=today)
    assert person_page(posted["manager"], posted["fin"]).status_code == 404


def test_a_manager_of_both_teams_sees_her_once_in_her_own_team_and_may_remind_her(posted):
    TeamManager.objects.create(staff=posted["other"], team=posted["comms"])
    assert listed_apart(posted["other"]) == [] and "Fay Finance" in page_html(posted["other"])
    assert "Send Fay a reminder" in person_page(posted["other"], posted["fin"]).content.decode()


def test_a_post_below_or_above_her_own_team_lists_no_one_twice(posted):
    payroll = factories.make_team("Payroll", parent=posted["finance"], kind="sub_team")
    Assignment.objects.filter(pk=posted["post"].pk).update(team=payroll)
    assert listed_apart(posted["other"]) == [] and "Fay Finance" in page_html(posted["other"])  # Finance, Payroll
    sam = posted["sam"]  # in Digital, with a post in Communications above it
    Assignment.objects.create(staff=sam, number=f"{sam.employee_number}-2", team=posted["comms"])
    assert listed_apart(posted["manager"]) == [] and "Sam Digital" in page_html(posted["manager"])


def test_every_door_from_her_page_but_the_page_is_shut_to_the_posts_manager(posted, settings, tmp_path):
    """Her certificate's file, her pauses (the list, adding one), voiding an entry of hers and deciding her
    certificate: the page lists her certificates and history without a link to any of these for Grace, and typed by
    hand each is refused, saying nothing of her."""
    today = timezone.localdate()
    settings.MEDIA_ROOT = tmp_path
    course = Requirement.objects.get()
    entry = factories.make_completion(posted["fin"], course)
    scan = b"%PDF-1.4"
    certificate = Certificate.objects.create(
        staff=posted["fin"],
        requirement=course,
        file=ContentFile(scan, name="certificate.pdf"),
        original_name="certificate.pdf",
        content_type="application/pdf",
        size=len(scan),
        sha256=hashlib.sha256(scan).hexdigest(),
        completed_on=today - DAY,
    )
    recorded = list(EvidenceEntry.objects.filter(staff=posted["fin"]).values_list("pk", flat=True))
    html = person_page(posted["manager"], posted["fin"]).content.decode()
    doors = [
        ("get", reverse("certificates:file", args=[certificate.pk])),
        ("get", reverse("certificates:decide", args=[certificate.pk])),
        ("post", reverse("certificates:decide", args=[certificate.pk])),
        ("get", reverse("pauses:list", args=[posted["fin"].pk])),
        ("get", reverse("pauses:add", args=[posted["fin"].pk])),
        ("post", reverse("pauses:add", args=[posted["fin"].pk])),
        ("get", reverse("corrections:void", args=[entry.pk])),
        ("post", reverse("corrections:void", args=[entry.pk])),
    ]
    grace = client_for(posted["manager"])
    for method, url in doors:
        assert url not in html
        response = getattr(grace, method)(url)
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert b"Fay" not in response.content, (method, url)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.PENDING
    assert list(EvidenceEntry.objects.filter(staff=posted["fin"]).values_list("pk", flat=True)) == recorded


def test_a_post_goes_with_its_team_when_the_team_moves(posted, hr):
    pool = _bank_pool(posted)
    estates = factories.make_team("Estates", parent=posted["comms"].get_parent())
    olive = factories.make_staff(team=estates, first_name="Olive", last_name="Outsider")
    TeamManager.objects.create(staff=olive, team=estates)
    team_move(team=pool, parent=estates, user=hr.user)
    assert listed_apart(posted["manager"]) == [] and listed_apart(olive) == ["Fay Finance"]
    assert person_page(posted["manager"], posted["fin"]).status_code == 404
    assert person_page(olive, posted["fin"]).status_code == 200
