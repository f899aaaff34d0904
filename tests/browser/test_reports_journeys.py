"""Reports in the browser: a manager chases an overdue person and downloads the team's workbook; HR drills down the
organisation report and makes a PDF evidence pack as at a past date. axe-core checks every page on the way."""

import datetime
import re
import subprocess

import pytest
from django.core.files.storage import storages
from django.db.models import F
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.people.models import StaffChange, TeamManager
from portal.people.roles import hr_group
from portal.reports.models import EvidencePack
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session
from tests.dbrole import as_owner

pytestmark = BROWSER_DB

REQUIREMENT = "Safeguarding Adults Level 1"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path, monkeypatch):
    """Evidence packs are written to private storage: keep them in this test's own folder.

    Overriding the setting alone is not enough: a FileField calls its storage callable (private_storage) once, when
    the model class is made, so the pack's fields are pointed at the overridden storage as well.
    """
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    for name in ("pdf", "csv"):
        monkeypatch.setattr(EvidencePack._meta.get_field(name), "storage", storages["private"])


def _person(team, first_name, last_name, **overrides):
    email = f"{first_name}.{last_name}@example.nhs.uk".lower()
    user = factories.make_user(email=email, first_name=first_name, last_name=last_name)
    return factories.make_staff(user=user, team=team, **overrides)


@pytest.fixture
def org(site):
    """Organisation > Communications (managed by Grace) > Digital (Sam, overdue; Priya, done); Finance (Fay)."""
    organisation = factories.make_team("Organisation", kind="organisation")
    comms = factories.make_team("Communications", parent=organisation)
    digital = factories.make_team("Digital", parent=comms, kind="sub_team")
    finance = factories.make_team("Finance", parent=organisation)
    manager = _person(comms, "Grace", "Manager")
    TeamManager.objects.create(staff=manager, team=comms)
    sam = _person(digital, "Sam", "Digital")
    priya = _person(digital, "Priya", "Done")
    fay = _person(finance, "Fay", "Finance")
    requirement = factories.make_requirement(name=REQUIREMENT)
    refresh()
    return {
        "comms": comms,
        "digital": digital,
        "finance": finance,
        "manager": manager,
        "sam": sam,
        "priya": priya,
        "fay": fay,
        "requirement": requirement,
    }


def _progress_shown_and_told_in_steps(page, live_server, pack, axe_check):
    """While a pack is made its page shows the stage and how far it has got, asked for every two seconds, in the
    words the page was written in; a screen reader is told (the hidden status) only when the stage changes or the
    pack passes a quarter, not every two seconds; once it is ready the page reloads with the downloads."""
    packs = EvidencePack.objects.filter(pk=pack.pk)
    packs.update(status=EvidencePack.QUEUED, people_done=0, progress_at=timezone.now())
    page.goto(f"{live_server.url}/exports/packs/{pack.pk}/")
    progress = page.locator("#pack-progress")
    said = page.get_by_role("status")
    expect(progress).to_contain_text("Waiting to start 0% done (0 of 3 people).")
    axe_check(page)
    page.evaluate(
        """() => {
          window.toldTimes = 0;
          const count = (records) => { window.toldTimes += records.length; };
          const options = { childList: true, characterData: true, subtree: true };
          new MutationObserver(count).observe(document.querySelector("[data-said]"), options);
        }"""
    )
    packs.update(status=EvidencePack.RUNNING, people_done=1, progress_at=timezone.now())
    expect(progress).to_contain_text("Being made 33% done (1 of 3 people).")
    expect(said).to_have_text("Being made: 33% done (1 of 3 people).")
    page.wait_for_timeout(4500)  # two more answers, nothing new in them
    assert page.evaluate("window.toldTimes") == 1
    packs.update(people_done=2, progress_at=timezone.now())
    expect(said).to_have_text("Being made: 66% done (2 of 3 people).")
    packs.update(status=EvidencePack.DONE, progress_at=timezone.now())
    expect(page.get_by_role("link", name="Download the evidence pack (PDF)")).to_be_visible()


def _nav_link(page, name):
    """A link in the header's menu; on a narrow page the NHS header tucks some of them under "More"."""
    menu = page.get_by_role("navigation", name="Menu")
    link = menu.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        menu.get_by_role("button", name="More").click()
    return link


def _chase_table(page):
    return page.get_by_role("table", name=re.compile(r"^People to chase"))


def _everyone(page):
    """The full table of everyone by requirement, one click away on the team page."""
    page.get_by_text(re.compile(r"^Everyone's status for each requirement")).click()
    return page.get_by_role("region", name="People by requirement")


def test_manager_reminds_an_overdue_person_and_downloads_the_workbook(
    page, live_server, org, axe_check, tmp_path, mailoutbox
):
    factories.make_completion(org["priya"], org["requirement"])

    sign_in_by_session(page, live_server.url, org["manager"].user)  # a manager needs no authenticator app
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    axe_check(page)

    _nav_link(page, "My team").click()
    expect(page.get_by_role("heading", name="My team", level=1)).to_be_visible()
    sam_row = _chase_table(page).get_by_role("row", name=re.compile(r"^Sam Digital"))
    expect(sam_row.get_by_text("Overdue", exact=True)).to_be_visible()
    expect(_everyone(page).get_by_role("row", name=re.compile(r"^Priya Done")).get_by_text("Compliant")).to_be_visible()
    axe_check(page)

    sam_row.get_by_role("link", name="Sam Digital").click()
    expect(page.get_by_role("heading", name="Sam Digital", level=1)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(REQUIREMENT)).get_by_text("Overdue")).to_be_visible()
    axe_check(page)

    assert mailoutbox == []  # nothing sent before the button is pressed
    page.get_by_role("button", name="Send Sam a reminder").click()
    sent = page.get_by_role("alert")  # a success banner, which takes focus so it is read out (WCAG 4.1.3)
    expect(sent).to_contain_text("Reminder sent to Sam Digital.")
    expect(sent).to_be_focused()
    expect(page.get_by_role("heading", name="Sam Digital", level=1)).to_be_visible()  # back where they were
    axe_check(page)
    assert [email.to for email in mailoutbox] == [[org["sam"].work_email]]
    assert f"{REQUIREMENT}: overdue" in mailoutbox[0].body

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="My team").click()
    expect(page.get_by_role("heading", name="My team", level=1)).to_be_visible()
    axe_check(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as an Excel workbook (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    name, team, status = header.index("Name"), header.index("Team"), header.index("Status")
    by_name = {row[name]: row for row in rows[1:]}
    assert by_name["Sam Digital"][team] == "Digital"
    assert by_name["Sam Digital"][status] == "Overdue"
    assert by_name["Priya Done"][status] == "Compliant"
    assert "Fay Finance" not in by_name  # another directorate: not Grace's to see


def test_hr_drills_down_and_makes_an_evidence_pack_as_at_a_past_date(page, live_server, org, axe_check, tmp_path):
    hr = _person(org["finance"], "Hana", "Human-Resources")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    # The roster as it stood a month ago; Sam's evidence recorded five days ago.
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    real_now = timezone.now()
    five_days_ago = real_now - datetime.timedelta(days=5)
    with pytest.MonkeyPatch.context() as clock:  # the live server, sessions and sign-in need the real time after
        clock.setattr(timezone, "now", lambda: five_days_ago)
        factories.make_completion(
            org["sam"], org["requirement"], completed_at=five_days_ago, source_ref="batch 7 line 3"
        )
    as_at = timezone.localdate() - datetime.timedelta(days=2)

    sign_in_by_session(page, live_server.url, hr.user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    axe_check(page)

    _nav_link(page, "Organisation").click()
    expect(page.get_by_role("heading", name="Organisation", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="By directorate")).to_be_visible()
    axe_check(page)

    page.get_by_role("region", name="Compliance by team").get_by_role("link", name="Communications").click()
    expect(page.get_by_role("heading", name="Communications", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="By team")).to_be_visible()
    axe_check(page)

    page.get_by_role("region", name="Compliance by team").get_by_role("link", name="Digital", exact=True).click()
    expect(page.get_by_role("heading", name="My team", level=1)).to_be_visible()
    expect(
        _chase_table(page).get_by_role("row", name=re.compile(r"^Priya Done")).get_by_text("Overdue", exact=True)
    ).to_be_visible()
    expect(
        _everyone(page).get_by_role("row", name=re.compile(r"^Sam Digital")).get_by_text("Compliant")
    ).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/exports/packs/new/?team={org['comms'].pk}")
    expect(page.get_by_role("heading", name="Make an evidence pack")).to_be_visible()
    axe_check(page)
    date_boxes = page.get_by_role("group", name="As at")
    for box, value in (("Day", "31"), ("Month", "2"), ("Year", as_at.year)):
        date_boxes.get_by_label(box).fill(str(value))
    page.get_by_role("button", name="Make the pack").click()
    expect(page.get_by_role("alert")).to_contain_text("The date must be a real date")
    assert not EvidencePack.objects.exists()
    axe_check(page)
    for box, value in (("Day", as_at.day), ("Month", as_at.month), ("Year", as_at.year)):
        date_boxes.get_by_label(box).fill(str(value))
    page.get_by_role("button", name="Make the pack").click()
    expect(page.get_by_role("heading", name="Evidence pack for Communications")).to_be_visible()
    expect(page.get_by_text("Ready", exact=True)).to_be_visible()  # tasks run at once in tests
    expect(page.get_by_text(f"As at the end of {as_at:%-d %B %Y}")).to_be_visible()
    axe_check(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the evidence pack (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for expected in ("Communications", "Sam Digital", "Grace Manager", "Priya Done", "batch 7 line 3", "Manifest"):
        assert expected in text, expected
    assert as_at.isoformat() in text
    assert f"{as_at:%A %-d %B %Y}" in " ".join(text.split())
    assert "Fay Finance" not in text
    pack = EvidencePack.objects.get()
    assert (pack.as_at, pack.people_total) == (as_at, 3)
    assert pack.pdf.path.startswith(str(tmp_path))  # kept in this test's private storage, not var/

    # Had its worker been restarted part way, an hour ago: the page says so, and the button makes it again.
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    EvidencePack.objects.filter(pk=pack.pk).update(status=EvidencePack.RUNNING, people_done=1, progress_at=an_hour_ago)
    page.goto(f"{live_server.url}/exports/packs/{pack.pk}/")
    expect(page.get_by_text("Making this pack has stopped")).to_be_visible()
    expect(page.get_by_text("It got to 1 of 3 people")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Make the pack again").click()
    expect(page.get_by_text("Ready", exact=True)).to_be_visible()
    axe_check(page)
    _progress_shown_and_told_in_steps(page, live_server, pack, axe_check)

    for path, heading in [
        ("/hr/reports/trend/", "Compliance over the last 12 months"),
        ("/hr/reports/lists/", "Lists to act on"),
        ("/hr/reports/audit/", "Audit log"),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        axe_check(page)
        if path == "/hr/reports/lists/":  # each list whole, as a file
            with page.expect_download() as download:
                page.get_by_role("link", name=re.compile(r"CSV file\W+people who have never signed in")).click()
            assert download.value.suggested_filename.startswith("never-signed-in-")
