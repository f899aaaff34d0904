"""A manager of a team above a bank post's team finds its holder by name from the team page ('Through a post in your
teams'), opens their read-only page ('holds a post in a team you manage or a team below it'), and reads a renamed
colleague's page about a past day as recorded then under the name she had ('Now named ...'). axe-core checks each
page, at a desktop's width and a phone's."""

import datetime

from django.utils import timezone
from freezegun import freeze_time
from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.people.history import staff_changes_record
from portal.people.models import Assignment, TeamManager
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def _world(day):
    with freeze_time(
        timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=30), datetime.time(9)))
    ):
        organisation = factories.make_team("Organisation", kind="organisation")
        surgery = factories.make_team("Surgery", parent=organisation, kind="directorate")
        ward = factories.make_team("Ward 1", parent=surgery)
        finance = factories.make_team("Finance", parent=organisation)
        factories.make_requirement(name="Safeguarding Adults Level 1")
        manager = factories.make_staff(team=surgery, first_name="Grace", last_name="Lead")
        TeamManager.objects.create(staff=manager, team=surgery)
        zoe = factories.make_staff(team=ward, first_name="Zoe", last_name="Young")
        bo = factories.make_staff(team=finance, first_name="Bo", last_name="Bank")
        Assignment.objects.create(staff=bo, number=f"{bo.employee_number}-2", team=ward)
        refresh()
    zoe.first_name, zoe.last_name = "Ann", "Able"
    zoe.save()
    staff_changes_record([zoe])
    return manager, zoe


def test_a_manager_finds_a_bank_posts_holder_and_reads_a_page_as_recorded_then(page, live_server, site, axe_check):
    day = timezone.localdate() - datetime.timedelta(days=20)  # the past day read, as recorded then
    manager, zoe = _world(day)
    sign_in_by_session(page, live_server.url, manager.user)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/team/")
        page.get_by_label("Find a person or team by name or employee number").fill("bo bank")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("heading", name="People (1)")).to_be_visible()
        expect(page.get_by_text("Through a post in your teams")).to_be_visible()
        axe_check(page)
        page.get_by_role("link", name="Bo Bank").click()
        expect(page.get_by_text("Bo holds a post in a team you manage or a team below it.")).to_be_visible()
        axe_check(page)
        page.goto(f"{live_server.url}/team/people/{zoe.pk}/?as_at={day.isoformat()}&basis=as_recorded")
        expect(page.get_by_role("heading", name="Zoe Young", exact=True)).to_be_visible()
        expect(page.get_by_text("Now named Ann Able.")).to_be_visible()
        axe_check(page)
