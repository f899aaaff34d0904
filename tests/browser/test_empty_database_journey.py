"""Issue 10's "done means" in a real browser, from an empty database (no load_demo): HR signs in with a code, imports
the team tree, adds a requirement introduced today, imports a roster and a completions file, names a manager, pauses
someone on maternity leave and voids a wrong completion, and the organisation report follows each step. axe-core
checks each new page on the way. Tasks run as the test settings run them (at once, in the live server's thread).

The first HR officer is made outside the portal (as createsuperuser or load_demo would), with an authenticator app.
"""

import datetime
import re

import pytest
from django.core.files.storage import storages
from django.utils import timezone
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.compliance.models import EvidenceEntry
from portal.people.models import StaffMember, TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_with_code

pytestmark = BROWSER_DB

REQUIREMENT = "Safeguarding Adults Level 1"
COURSE = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
ORGANISATION = (
    "Organisation Code,Organisation Name,Parent Organisation Code\r\n"
    "NWX,NHS North West Example ICB,\r\n"
    "CORP,Corporate Services,NWX\r\n"
    "COMMS,Communications and Engagement,CORP\r\n"
)
PEOPLE = [
    ("E1001", "Hana", "Okafor", "03/09/2012"),
    ("E1002", "Grace", "Hughes", "14/01/2015"),
    ("E1003", "Sam", "Taylor", "01/06/2018"),
    ("E1004", "Mary", "Khan", "12/02/2019"),
]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    assert storages["private"].location == str(tmp_path / "private")


def _email(first, last) -> str:
    return f"{first.lower()}.{last.lower()}@example.nhs.uk"


def _files(tmp_path, achieved: datetime.date) -> dict:
    roster = ["Employee Number,First Name,Last Name,Work Email,Organisation Code,Start Date"]
    roster += [f"{n},{first},{last},{_email(first, last)},COMMS,{start}" for n, first, last, start in PEOPLE]
    day = achieved.strftime("%d/%m/%Y")
    completions = ["Person,Competence Name,Achievement Date,Expiry Date"]
    completions += [f'"{n}|{last}, {first}","{COURSE}",{day},' for n, first, last, _ in PEOPLE if first != "Hana"]
    paths = {}
    for name, text in (
        ("organisation", ORGANISATION),
        ("roster", "\r\n".join(roster)),
        ("completions", "\r\n".join(completions)),
    ):
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text + "\r\n", encoding="utf-8")
    return paths


def _upload(page, base_url, kind, path, axe_check):
    page.goto(f"{base_url}/hr/imports/{kind}/")
    axe_check(page)
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("This is a dry run")).to_be_visible()
    axe_check(page)


def _organisation_figure(page, base_url, axe_check=None) -> str:
    page.goto(f"{base_url}/hr/reports/")
    if axe_check:
        axe_check(page)
    row = page.get_by_role("table", name="Share of people compliant with each requirement").get_by_role(
        "row", name=re.compile(f"^{REQUIREMENT}")
    )
    return " ".join(row.inner_text().split())


def _shows(row: str, figure: str) -> bool:
    """The requirement's row of the report starts with this figure ("75% below 3 of 4")."""
    return re.match(rf"{re.escape(REQUIREMENT)} {re.escape(figure)}\b", row) is not None


def test_hr_sets_up_an_organisation_in_the_browser_from_an_empty_database(page, live_server, site, axe_check, tmp_path):
    today = timezone.localdate()
    files = _files(tmp_path, achieved=today - datetime.timedelta(days=30))

    def checked(page):
        """axe-core on the page once it has loaded (after a click, its scripts, the header's among them, have run)."""
        page.wait_for_load_state("load")
        axe_check(page)

    officer = User.objects.create_user(
        email=_email("Hana", "Okafor"), password=factories.PASSWORD, first_name="Hana", last_name="Okafor"
    )
    officer.groups.add(hr_group())
    factories.with_mfa(officer)
    base = live_server.url

    sign_in_with_code(page, base, officer.email)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    # The team tree, from an ESR organisation hierarchy: a dry run, then apply.
    _upload(page, base, "organisation", files["organisation"], checked)
    expect(page.get_by_text("3 to add")).to_be_visible()
    page.get_by_role("button", name="Apply these changes to the teams").click()
    expect(page.get_by_text("Organisation applied: 3 teams added, 0 renamed, 0 moved.")).to_be_visible()
    checked(page)

    # A requirement for everyone, introduced today (the form's default).
    page.goto(f"{base}/hr/requirements/add/")
    checked(page)
    page.get_by_label("Name", exact=True).fill(REQUIREMENT)
    page.get_by_label("Complete an external course").check()
    page.get_by_label("Renewal period in months").fill("36")
    page.get_by_label("Everyone").check()
    page.get_by_role("button", name="Save requirement").click()
    expect(page.get_by_text(f"{REQUIREMENT} is saved.")).to_be_visible()
    checked(page)

    # The roster: long-standing staff, due at the end of the window from today, not overdue.
    _upload(page, base, "roster", files["roster"], checked)
    page.get_by_role("button", name="Apply this roster").click()
    expect(page.get_by_text("Roster applied: 4 people added")).to_be_visible()
    assert _shows(_organisation_figure(page, base, checked), "0% below 0 of 4")

    # Grace manages Communications from today.
    page.goto(f"{base}/hr/organisation/")
    checked(page)
    page.get_by_role("link", name=re.compile("^Communications and Engagement")).first.click()
    checked(page)
    page.get_by_role("link", name="Add a manager").click()
    checked(page)
    page.get_by_label("Employee number").fill("E1002")
    page.get_by_label("Reason").fill("Head of Communications")
    page.get_by_role("button", name="Add the manager").click()
    expect(page.get_by_text("Grace Hughes is now a manager of Communications and Engagement.")).to_be_visible()
    assert TeamManager.objects.current().get().staff.employee_number == "E1002"

    # Completions: map the course once, then record them.
    _upload(page, base, "completions", files["completions"], checked)
    page.get_by_label(re.compile("counts towards")).select_option(label=REQUIREMENT)
    page.get_by_role("button", name=re.compile("^Save mapping")).click()
    page.get_by_role("button", name="Record 3 completions").click()
    expect(page.get_by_text("3 completions recorded; 0 were already recorded.")).to_be_visible()
    assert _shows(_organisation_figure(page, base), "75% below 3 of 4")

    # Mary goes on maternity leave: out of the figures.
    mary = StaffMember.objects.get(employee_number="E1004")
    back = today + datetime.timedelta(days=273)
    page.goto(f"{base}/team/people/{mary.pk}/")
    checked(page)
    page.get_by_role("button", name="Pause requirements").click()
    checked(page)
    page.get_by_label("Why is the clock stopping?").select_option(label="Maternity, paternity or adoption leave")
    for legend, day in (("First day paused", today), (re.compile("^Last day paused"), back)):
        for box, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
            page.get_by_role("group", name=legend).get_by_label(box).fill(str(value))
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_text("Mary Khan is paused.")).to_be_visible()
    checked(page)
    assert _shows(_organisation_figure(page, base), "66% below 2 of 3")

    # Sam's completion was someone else's: HR voids it, with the reason.
    sam = StaffMember.objects.get(employee_number="E1003")
    page.goto(f"{base}/team/people/{sam.pk}/")
    page.get_by_role("button", name=re.compile(f"^Void the entry for {REQUIREMENT}")).click()
    checked(page)
    page.get_by_label("Why is this entry wrong?").fill("Imported against the wrong person")
    page.get_by_role("button", name="Void this entry").click()
    expect(page.get_by_text("Entry voided. Sam Taylor's status has been updated.")).to_be_visible()
    expect(page.get_by_text("Withdrawn").first).to_be_visible()
    checked(page)
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.VOID, staff=sam).count() == 1
    assert _shows(_organisation_figure(page, base), "33% below 1 of 3")
