"""Issue 15's "done means": a manager sees whom to chase, with their items and dates, above the fold at 1280 x 800
and at 375 px; HR sees each requirement's figure against the target and the worst teams. axe, the 320 px reflow
check and the outside-request guard run on every page (tests/browser/conftest.py). Screenshots of both pages at both
widths are written to var/screenshots/ for a reviewer (`make test` says where)."""

import datetime
import itertools
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 375, "height": 812}  # a phone 375 px wide (iPhone X to 13 mini)
_numbers = itertools.count(1)
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschafers"


def _person(team, first_name, last_name, **overrides):
    email = f"{first_name}.{last_name[:20]}.{next(_numbers)}@example.nhs.uk".lower().replace(" ", "")
    user = factories.make_user(email=email, first_name=first_name, last_name=last_name)
    return factories.make_staff(user=user, team=team, **overrides)


@pytest.fixture
def org(site):
    """Organisation > Nursing > Ward 1 (Grace manages it; two Sam Taylors overdue, Dee due soon, Priya done) and
    Ward 2 (nobody done); Corporate > Finance (everybody done, Hana from HR among them)."""
    organisation = factories.make_team("Organisation", kind="organisation")
    nursing = factories.make_team("Nursing", parent=organisation)
    corporate = factories.make_team("Corporate", parent=organisation)
    ward_1 = factories.make_team("Ward 1", parent=nursing)
    ward_2 = factories.make_team("Ward 2", parent=nursing)
    finance = factories.make_team("Finance", parent=corporate)
    manager = _person(ward_1, "Grace", "Manager")
    TeamManager.objects.create(staff=manager, team=ward_1)
    requirements = [
        factories.make_requirement(name=n) for n in ("Fire Safety", "Information Governance", "Safeguarding")
    ]
    fire, governance, safeguarding = requirements
    expiring = timezone.now() - datetime.timedelta(days=350)  # a 12-month renewal runs out in about two weeks
    sam = _person(ward_1, "Sam", "Taylor")
    other_sam = _person(ward_1, "Sam", "Taylor", employee_number="E7654321")
    dee = _person(ward_1, "Dee", "Soon")
    priya = _person(ward_1, "Priya", "Done")
    long_name = _person(ward_1, "Ada", LONG_NAME)
    hr = _person(finance, "Hana", "Human-Resources")
    for person in (manager, priya, long_name, hr, *(_person(finance, "Fin", f"Person {n}") for n in range(3))):
        for requirement in requirements:
            factories.make_completion(person, requirement)
    factories.make_completion(sam, safeguarding, completed_at=expiring)
    factories.make_completion(other_sam, governance)
    factories.make_completion(other_sam, safeguarding)
    factories.make_completion(dee, fire, completed_at=expiring)
    factories.make_completion(dee, governance)
    factories.make_completion(dee, safeguarding)
    for n in range(3):
        _person(ward_2, "Ward", f"Two {n}")
    refresh()
    return {"manager": manager, "sam": sam, "other_sam": other_sam, "long_name": long_name, "hr": hr}


def _screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")
    page.screenshot(path=SCREENSHOTS / f"{name}-full.png", full_page=True)


def _above_the_fold(locator, viewport):
    box = locator.bounding_box()
    assert box is not None and box["y"] + box["height"] <= viewport["height"], (box, viewport)


def test_a_manager_sees_whom_to_chase_above_the_fold_on_any_screen(page, live_server, org, axe_check):
    sign_in_by_session(page, live_server.url, org["manager"].user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/team/")
        expect(page.get_by_role("heading", name="My team", level=1)).to_be_visible()
        expect(page.get_by_text("2 people are overdue on something. 1 more has something due soon.")).to_be_visible()
        chase = page.get_by_role("table", name=re.compile(r"^People to chase"))
        rows = chase.locator("tbody tr")
        expect(rows).to_have_count(3)
        first = rows.nth(0)  # the Sam Taylor who owes most: two overdue, one due soon, with dates
        expect(first).to_contain_text("Sam Taylor")
        expect(first).to_contain_text(org["sam"].employee_number)
        expect(first).to_contain_text("2 overdue")
        due = org["sam"].statuses.get(requirement__name="Fire Safety").due_on
        expect(first).to_contain_text(f"Fire Safety, was due {due.day} {due:%B %Y}")
        expect(first).to_contain_text("Due soon Safeguarding, expires")
        expect(rows.nth(1)).to_contain_text("E7654321")  # the other Sam Taylor, told apart by number
        expect(rows.nth(2)).to_contain_text("Dee Soon")
        _screenshot(page, f"team-{viewport['width']}")
        _above_the_fold(first, viewport)
        if viewport is WIDE:  # on a wide screen the next people are in view too
            _above_the_fold(rows.nth(1), viewport)
        else:  # on a phone the next person's name and count are in view, their items just below
            _above_the_fold(rows.nth(1).get_by_role("link", name="Sam Taylor"), viewport)
            _above_the_fold(rows.nth(1).get_by_text("1 overdue", exact=True), viewport)
        axe_check(page)

    # The filters work without JavaScript: a plain GET form inside a details element.
    page.set_viewport_size(WIDE)
    page.get_by_text("Filter by team, requirement, status or date").click()
    page.get_by_label("Requirement", exact=True).select_option(label="Information Governance")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"requirement=\d+"))
    chase = page.get_by_role("table", name=re.compile(r"^People to chase"))
    expect(chase.locator("tbody tr")).to_have_count(1)
    expect(chase).to_contain_text("Information Governance, was due")
    axe_check(page)

    page.get_by_role("link", name="Clear the filters").click()
    page.get_by_text(re.compile(r"^Everyone's status for each requirement")).click()
    everyone = page.get_by_role("region", name="People by requirement")
    everyone.get_by_role("link", name=f"Ada {LONG_NAME}").click()
    expect(page.get_by_role("heading", name=f"Ada {LONG_NAME}", level=1)).to_be_visible()
    axe_check(page)  # a long unbroken name wraps at 320 px


def test_hr_sees_each_requirements_figure_against_the_target_and_the_worst_teams(page, live_server, org, axe_check):
    hr = org["hr"]
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    sign_in_by_session(page, live_server.url, hr.user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/hr/reports/")
        expect(page.get_by_role("heading", name="Organisation", level=1)).to_be_visible()
        _screenshot(page, f"organisation-{viewport['width']}")
        figures = page.get_by_role("table", name=re.compile(r"^Share of people compliant with each requirement"))
        expect(figures).to_contain_text("against the target of 95%")
        rows = figures.locator("tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("Fire Safety")  # the furthest below the target first: 8 of 13 hold it
        expect(rows.nth(0)).to_contain_text("61% below")
        expect(rows.nth(0)).to_contain_text("8 of 13")
        expect(rows.nth(0)).to_contain_text("Ward 2: 0%, 0 of 3")
        worst = page.get_by_role("heading", name="Worst teams").locator("xpath=following-sibling::ol[1]")
        expect(worst.locator("li").nth(0)).to_contain_text("Ward 2 in Nursing: 0%")
        expect(worst.locator("li").nth(1)).to_contain_text("Ward 1 in Nursing")
        axe_check(page)
