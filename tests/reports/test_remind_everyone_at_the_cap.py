""" "Remind everyone overdue" at its cap (REMIND_EVERYONE_MAX, 25): the team page offers the button exactly when
pressing it reminds rather than refuses, and the number of people overdue it and the refusal state is the same. A
leaver on their last day and a person with a closed account are overdue people of the team like anyone (the closed
account is counted and not sent to); a leaver the day before and a future starter are not."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.people.models import TeamManager
from portal.reports.views_team import REMIND_EVERYONE_MAX
from tests import factories
from tests.reports.conftest import client_for

URL, TEAM = reverse("reports:team_remind"), reverse("reports:team")
ONE = datetime.timedelta(days=1)
BUTTON, TOO_MANY = "Remind everyone overdue</button>", "Too many people are overdue here to remind"


@pytest.fixture
def ward(db):
    """A ward whose manager works in it and is up to date, a compliant nurse, a leaver gone yesterday and a starter
    due tomorrow (neither in post), a leaver on their last day and a person whose account is closed (both overdue,
    never having done anything), and two requirements."""
    today = timezone.localdate()
    trust = factories.make_team("Trust", kind="organisation")
    ward = factories.make_team("Ward 1", parent=trust)
    fire = factories.make_requirement(name="Fire Safety")
    adults = factories.make_requirement(name="Safeguarding Adults")
    manager = factories.make_staff(team=ward, first_name="Mia", last_name="Manager")
    TeamManager.objects.create(staff=manager, team=ward)
    done = factories.make_staff(team=ward, first_name="Dot", last_name="Done")
    for requirement in (fire, adults):
        factories.make_completion(manager, requirement)
        factories.make_completion(done, requirement)
    factories.make_staff(team=ward, first_name="Gil", last_name="Gone", leave_date=today - ONE)
    factories.make_staff(team=ward, first_name="Stu", last_name="Starter", start_date=today + ONE)
    factories.make_staff(team=ward, first_name="Lia", last_name="Lastday", leave_date=today)
    closed = factories.make_staff(team=ward, first_name="Cal", last_name="Closed")
    get_user_model().objects.filter(pk=closed.user_id).update(is_active=False)
    refresh()
    return {"ward": ward, "manager": manager, "fire": fire, "adults": adults}


def overdue_people(ward, n: int, **fields) -> None:
    """`n` more people in the ward overdue on both requirements (never done)."""
    for k in range(n):
        factories.make_staff(team=ward["ward"], first_name="Owen", last_name=f"Overdue {k:02d}", **fields)
    refresh()


def test_at_the_cap_the_page_offers_it_and_it_reminds_everyone_overdue(ward, mailoutbox):
    overdue_people(ward, REMIND_EVERYONE_MAX - 2)  # with the leaver on their last day and the closed account
    client = client_for(ward["manager"])
    page = client.get(TEAM).content.decode()
    assert f"{REMIND_EVERYONE_MAX} people are overdue on something" in page
    assert BUTTON in page and TOO_MANY not in page
    response = client.post(URL, {"team": ""}, follow=True)
    assert len(mailoutbox) == ReminderLog.objects.count() == REMIND_EVERYONE_MAX - 1
    assert "Not sent to 1 person whose account is closed" in response.content.decode()


def test_one_past_the_cap_the_page_says_so_and_it_is_refused(ward, mailoutbox):
    overdue_people(ward, REMIND_EVERYONE_MAX - 1)
    client = client_for(ward["manager"])
    page = client.get(TEAM).content.decode()
    assert f"{REMIND_EVERYONE_MAX + 1} people are overdue on something" in page
    assert BUTTON not in page and TOO_MANY in page
    refused = client.post(URL, {"team": ""})
    assert refused.status_code == 400
    assert f"No reminder was sent: {REMIND_EVERYONE_MAX + 1} people are overdue" in refused.content.decode()
    assert mailoutbox == []


def test_a_manager_overdue_themselves_is_counted_as_the_page_counts_them(ward, mailoutbox):
    """The page counts everyone overdue, whoever looks at it; pressing the button reminds them all but the person
    pressing it, and is refused past the cap with the page's own number."""
    nurse = factories.make_staff(team=ward["ward"], first_name="Ned", last_name="Nurse-in-charge")
    TeamManager.objects.create(staff=nurse, team=ward["ward"])
    overdue_people(ward, REMIND_EVERYONE_MAX - 2)  # with Lia, Cal and Ned: one past the cap
    client = client_for(nurse)
    page = client.get(TEAM).content.decode()
    assert f"{REMIND_EVERYONE_MAX + 1} people are overdue on something" in page and TOO_MANY in page
    refused = client.post(URL, {"team": ""})
    assert refused.status_code == 400
    assert f"No reminder was sent: {REMIND_EVERYONE_MAX + 1} people are overdue" in refused.content.decode()
    assert mailoutbox == []


def test_a_page_narrowed_to_a_requirement_does_not_offer_what_it_does_not_count(ward, mailoutbox):
    """Narrowed to one requirement (or to people with something in a state other than overdue) the page counts the
    people overdue on it, but the button reminds everyone overdue on anything: it is not offered there, and the page
    says where it is."""
    overdue_people(ward, REMIND_EVERYONE_MAX - 2)
    for k in range(2):  # overdue on Safeguarding Adults only: the cap passed, but not on Fire Safety
        late = factories.make_staff(team=ward["ward"], first_name="Fay", last_name=f"Fire-done {k}")
        factories.make_completion(late, ward["fire"])
    # Due soon on Fire Safety and overdue on Safeguarding Adults: one overdue among the people with something due soon.
    soon = factories.make_staff(team=ward["ward"], first_name="Dee", last_name="Duesoon")
    factories.make_completion(soon, ward["fire"], completed_at=timezone.now() - 350 * ONE)
    refresh()
    client = client_for(ward["manager"])
    whole = client.get(TEAM).content.decode()
    assert f"{REMIND_EVERYONE_MAX + 3} people are overdue on something" in whole and TOO_MANY in whole
    for narrowed in ({"requirement": ward["fire"].pk}, {"state": "due_soon"}):
        page = client.get(TEAM, narrowed).content.decode()
        assert BUTTON not in page and TOO_MANY not in page, narrowed
        assert "To remind everyone overdue, <a href=" in page and "every requirement and status</a>" in page, narrowed
    overdue_only = client.get(TEAM, {"state": "overdue"}).content.decode()  # the same people as the button's
    assert f"{REMIND_EVERYONE_MAX + 3} people are overdue on something" in overdue_only and TOO_MANY in overdue_only
    assert client.post(URL, {"team": ""}).status_code == 400 and mailoutbox == []
