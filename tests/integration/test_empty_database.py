"""Issue 10's "done means", from an empty database (no load_demo): HR sets up and runs an organisation through the
portal's pages alone, over several days, and after each step the organisation report, the team page, the person's
page, an as-at report for an earlier day and an evidence pack say what happened, and nothing else.

The story runs on a clock moved day by day (`django.utils.timezone.now`, which every date the portal records comes
from), so that "as at an earlier day" means something: the report as at the day before a step still shows the
organisation as it was. Tasks run as the test settings run them (django-tasks' immediate backend: the import and the
pack are built when the page asks for them).

The first HR officer comes from outside the portal: whoever deploys it makes the account (`createsuperuser`, or a
shell, as `load_demo` does) and puts it in the HR group, with an authenticator app. Everything after that is done
through the pages.
"""

import datetime
import re
import subprocess
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.compliance import projection
from portal.compliance.dates import add_months
from portal.compliance.models import EvidenceEntry, ImportBatch, Requirement, RequirementStatus
from portal.compliance.pauses import pauses_for_staff
from portal.compliance.reminders import reminders_send
from portal.people.models import StaffMember, Team, TeamManager
from portal.people.roles import hr_group
from portal.reports.basis import AS_RECORDED as RECORDED
from portal.reports.models import EvidencePack
from tests import factories

ADULTS_COURSE = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
REQUIREMENT = "Safeguarding Adults Level 1"
WINDOW_DAYS = 28

ORGANISATION_FILE = (
    "Organisation Code,Organisation Name,Parent Organisation Code,Hierarchy Level\r\n"
    "NWX,NHS North West Example ICB,,Organisation\r\n"
    "CORP,Corporate Services,NWX,Directorate\r\n"
    "NURS,Nursing and Quality,NWX,Directorate\r\n"
    "WORK,Workforce,CORP,Team\r\n"
    "COMMS,Communications and Engagement,CORP,Team\r\n"
    "SAFE,Safeguarding,NURS,Team\r\n"
)
ROSTER_HEADER = "Employee Number,First Name,Last Name,Work Email,Job Title,Staff Group,Organisation Code,Start Date"
# Long-standing staff: every start date years before the requirement is introduced.
ROSTER = [
    ("E1001", "Hana", "Okafor", "HR Business Partner", "Administrative and Clerical", "WORK", "03/09/2012"),
    ("E1002", "Grace", "Hughes", "Head of Communications", "Administrative and Clerical", "COMMS", "14/01/2015"),
    ("E1003", "Sam", "Taylor", "Communications Officer", "Administrative and Clerical", "COMMS", "01/06/2018"),
    ("E1004", "Mary", "Khan", "Digital Content Officer", "Administrative and Clerical", "COMMS", "12/02/2019"),
    ("E1005", "Priya", "Shah", "Designated Nurse", "Nursing and Midwifery Registered", "SAFE", "05/05/2010"),
    ("E1006", "Tom", "Reid", "Safeguarding Practitioner", "Nursing and Midwifery Registered", "SAFE", "20/10/2016"),
]


def _email(first, last) -> str:
    return f"{first.lower()}.{last.lower()}@example.nhs.uk"


def _roster_file() -> bytes:
    lines = [ROSTER_HEADER]
    lines += [
        f"{n},{first},{last},{_email(first, last)},{title},{group},{code},{start}"
        for n, first, last, title, group, code, start in ROSTER
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def _completions_file(achieved: datetime.date) -> bytes:
    """Everyone but Hana (HR) and Mary (about to go on maternity leave). Sam's line is the wrong one: the course was
    done by someone else, and it is voided later."""
    day = achieved.strftime("%d/%m/%Y")
    rows = [
        f'"{n}|{last}, {first}","{ADULTS_COURSE}",{day},'
        for n, first, last, *_ in ROSTER
        if n not in {"E1001", "E1004"}
    ]
    return ("\r\n".join(["Person,Competence Name,Achievement Date,Expiry Date", *rows]) + "\r\n").encode()


class Clock:
    """`timezone.now` as if the test ran at noon (London) on a chosen day; time still passes within the day."""

    def __init__(self, monkeypatch, days_ago: int):
        real_now = timezone.now
        self.today = timezone.localdate()
        self._started = real_now()
        self._real_now = real_now
        self.day = self.today - datetime.timedelta(days=days_ago)
        monkeypatch.setattr(timezone, "now", self._now)

    def _now(self) -> datetime.datetime:
        noon = timezone.make_aware(datetime.datetime.combine(self.day, datetime.time(12)))
        return noon + (self._real_now() - self._started)

    def go_to(self, day: datetime.date) -> None:
        assert day >= self.day, "the story's clock only goes forward"
        self.day = day


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def _text(response) -> str:
    """The page's words, without tags, on one line: as a screen reader reads them, so without the column headings a
    responsive table repeats in each cell for narrow screens (hidden from assistive technology)."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", response.content.decode())
    html = re.sub(r'<span class="nhsuk-table-responsive__heading" aria-hidden="true">[^<]*</span>', " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _ok(response) -> str:
    assert response.status_code == 200, (response.status_code, _text(response)[:2000])
    return _text(response)


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _short(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _date_boxes(name: str, day: datetime.date) -> dict:
    """A date as the NHS.UK date input's boxes send it."""
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def _figures(client, as_at: datetime.date | None = None, basis: str | None = None) -> dict:
    """The organisation report's figures: {requirement: (compliant, required, overdue)} for the whole organisation,
    and the same by directorate, as the page shows them ("3 of 5, 1 overdue"). A past day is read on the page's
    default clock ("as it was") unless `basis` names the other (RECORDED: what the page said on that day)."""
    params = {"as_at": as_at.isoformat()} if as_at else {}
    response = client.get(reverse("hr_reports:organisation"), {**params, **({"basis": basis} if basis else {})})
    page = _ok(response)
    report = response.context["report"]
    totals = {r.name: _shown(report.totals[r.pk]) for r in report.requirements}
    groups = {g.team.name: {r.name: _shown(g.figures.get(r.pk)) for r in report.requirements} for g in report.groups}
    for figures in [totals, *groups.values()]:
        for shown in figures.values():
            assert shown is None or _words(shown) in page, (shown, page)
    return {"totals": totals, "groups": groups}


def _shown(figure):
    if figure is None or not figure.required:
        return None
    return (figure.compliant, figure.required, figure.overdue)


def _words(shown) -> str:
    compliant, required, overdue = shown
    return f"{compliant} of {required}" + (f", {overdue} overdue" if overdue else "")


def _team_page(client, code: str, as_at: datetime.date | None = None, basis: str | None = None) -> dict:
    """The team page (HR may open any team): {person: {requirement: status label}}. A past day is read on the page's
    default clock ("as it was") unless `basis` names the other (RECORDED: what the page said on that day)."""
    team = Team.objects.get(code=code)
    params = {"team": team.pk, **({"as_at": as_at.isoformat()} if as_at else {}), **({"basis": basis} if basis else {})}
    response = client.get(reverse("reports:team"), params)
    page = _ok(response)
    matrix = response.context["matrix"]
    shown = {}
    for person, cells in matrix.people:
        shown[person.full_name] = {}
        for requirement, cell in zip(matrix.requirements, cells, strict=True):
            due_on = cell.due_on
            shown[person.full_name][requirement.name] = (cell.label, due_on)
            shown_after_name = re.escape(person.full_name) + r"\b.{0,160}?" + re.escape(cell.label)
            if due_on and not cell.label.startswith("Paused"):
                shown_after_name += r"\b.{0,40}?" + re.escape(f"{due_on:%-d %b %Y}")
            assert re.search(shown_after_name, page), (shown_after_name, page)
    return shown


def _pack(
    client, code: str, tmp_path, as_at: datetime.date | None = None, basis: str = "as_it_was"
) -> tuple[str, list[list[str]]]:
    """An evidence pack for the team on the clock `basis`, made (its task runs at once), downloaded and read back:
    the PDF's text and the CSV's rows."""
    import csv
    import io

    team = Team.objects.get(code=code)
    data = {"team": team.pk, "as_at": as_at.isoformat() if as_at else "", "basis": basis}
    response = client.post(reverse("exports:pack_new"), data)
    assert response.status_code == 302, _text(response)[:2000]
    pack = EvidencePack.objects.latest("pk")
    assert pack.status == EvidencePack.DONE, pack.error if hasattr(pack, "error") else pack.status
    files = {}
    for kind in ("pdf", "csv"):
        download = client.get(reverse(f"exports:pack_{kind}", args=[pack.pk]))
        assert download.status_code == 200
        files[kind] = tmp_path / f"pack-{pack.pk}.{kind}"
        files[kind].write_bytes(b"".join(download.streaming_content))
    text = subprocess.run(
        ["pdftotext", "-layout", str(files["pdf"]), "-"], check=True, capture_output=True, text=True
    ).stdout
    header, *lines = csv.reader(io.StringIO(files["csv"].read_text(encoding="utf-8-sig")))
    rows = {}
    for line in lines:
        cells = dict(zip(header, line, strict=True))
        assert cells["Requirement"] == REQUIREMENT
        rows[cells["Name"]] = (
            cells["Status"],
            _date(cells["Completed on"]),
            _date(cells["Due on"]),
            cells["Source reference"],
        )
    return text, rows


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _status_rows() -> dict:
    """Every row of the status table, every column but its id and when it was written."""
    rows = {}
    for row in RequirementStatus.objects.values():
        del row["id"], row["updated_at"]
        rows[(row["staff_id"], row["requirement_id"])] = row
    return rows


def _person_page(client, staff) -> str:
    return _ok(client.get(reverse("reports:team_person", args=[staff.pk])))


def _block(text: str, heading: str) -> str:
    """A person's part of a pack's text: from their heading to the next person's."""
    start = text.index(heading)
    following = re.search(r"\n\S.* employee E\d+", text[start + len(heading) :])
    return text[start : start + len(heading) + (following.start() if following else len(text))]


def test_hr_sets_up_and_runs_an_organisation_from_an_empty_database(db, monkeypatch, tmp_path, mailoutbox, capsys):
    clock = Clock(monkeypatch, days_ago=12)
    today = clock.today
    tree_day, introduced, roster_day, completions_day, pause_day, void_day = (
        today - datetime.timedelta(days=n) for n in (12, 11, 10, 9, 5, 2)
    )
    due = introduced + datetime.timedelta(days=WINDOW_DAYS)
    assert not (Team.objects.exists() or StaffMember.objects.exists() or Requirement.objects.exists())
    assert not EvidenceEntry.objects.exists()

    # The first HR officer, made outside the portal (as createsuperuser or load_demo would), with an authenticator app.
    clock.go_to(tree_day)
    officer = User.objects.create_user(
        email=_email("Hana", "Okafor"), password=factories.PASSWORD, first_name="Hana", last_name="Okafor"
    )
    officer.groups.add(hr_group())
    factories.with_mfa(officer)
    hr = Client()

    def sign_in_again():
        """Each day HR signs in afresh (a session lasts hours, not days)."""
        factories.sign_in(hr, officer, second_factor=True)

    sign_in_again()
    assert "There is no organisation yet" in _ok(hr.get(reverse("hr_reports:organisation")))

    # --- Day 1: the team tree, from an ESR organisation hierarchy (dry run, then apply) ----------------------------
    upload = SimpleUploadedFile("organisation.csv", ORGANISATION_FILE.encode())
    batch_url = hr.post(reverse("imports:upload", args=["organisation"]), {"file": upload})["Location"]
    dry_run = _ok(hr.get(batch_url))
    assert "This is a dry run: nothing has changed yet. 6 rows read." in dry_run
    assert "6 to add" in dry_run and "0 rejected rows" in dry_run
    assert "CORP Corporate Services NWX Directorate" in dry_run and "SAFE Safeguarding NURS Team" in dry_run
    assert not Team.objects.exists()
    batch = ImportBatch.objects.get()
    applied = _ok(hr.post(reverse("imports:apply", args=[batch.pk]), follow=True))
    assert "Organisation applied: 6 teams added, 0 renamed, 0 moved." in applied
    parents = {t.code: (t.name, t.get_parent().code if t.depth > 1 else "") for t in Team.objects.all()}
    assert parents == {
        "NWX": ("NHS North West Example ICB", ""),
        "CORP": ("Corporate Services", "NWX"),
        "NURS": ("Nursing and Quality", "NWX"),
        "WORK": ("Workforce", "CORP"),
        "COMMS": ("Communications and Engagement", "CORP"),
        "SAFE": ("Safeguarding", "NURS"),
    }
    tree = _ok(hr.get(reverse("organisation:teams")))
    for name in ("NHS North West Example ICB", "Corporate Services", "Workforce", "Safeguarding"):
        assert name in tree
    report = _figures(hr)
    assert report == {"totals": {}, "groups": {}}
    assert _figures(hr, as_at=tree_day - datetime.timedelta(days=1)) == {"totals": {}, "groups": {}}

    # --- Day 2: a requirement introduced today, for everyone -------------------------------------------------------
    clock.go_to(introduced)
    sign_in_again()
    form = hr.get(reverse("requirements:add"))
    # The day it is introduced: today unless HR says otherwise, shown as the form reads it back.
    assert f'name="introduced_on" type="text" value="{introduced.isoformat()}"' in form.content.decode()
    saved = hr.post(
        reverse("requirements:add"),
        {
            "name": REQUIREMENT,
            "kind": Requirement.EXTERNAL_COURSE,
            "audience": "everyone",
            "renewal_months": "36",
            "new_starter_days": str(WINDOW_DAYS),
            "introduced_on": introduced.isoformat(),
            "reminder_days": "14",
        },
        follow=True,
    )
    assert f"{REQUIREMENT} is saved." in _ok(saved)
    requirement = Requirement.objects.get(name=REQUIREMENT)
    assert requirement.introduced_on == introduced and requirement.applies_to_everyone
    assert _figures(hr) == {"totals": {REQUIREMENT: None}, "groups": {}}
    assert _figures(hr, as_at=tree_day) == {"totals": {}, "groups": {}}  # not introduced yet: left out

    # --- Day 3: the roster (long-standing staff), then Grace becomes manager of Communications --------------------
    clock.go_to(roster_day)
    sign_in_again()
    upload = SimpleUploadedFile("roster.csv", _roster_file())
    batch_url = hr.post(reverse("imports:upload", args=["roster"]), {"file": upload})["Location"]
    dry_run = _ok(hr.get(batch_url))
    assert "6 rows read. 6 to add 0 to change 0 leavers 0 rejected rows" in dry_run
    assert "E1004 Mary Khan mary.khan@example.nhs.uk" in dry_run and not StaffMember.objects.exists()
    batch = ImportBatch.objects.get(kind="roster")
    applied = _ok(hr.post(reverse("imports:apply", args=[batch.pk]), follow=True))
    assert "Roster applied: 6 people added, 0 changed, 0 marked as leavers." in applied
    assert StaffMember.objects.get(employee_number="E1001").user == officer  # the officer's account, not a second one
    after_roster = {
        "totals": {REQUIREMENT: (0, 6, 0)},
        "groups": {"Corporate Services": {REQUIREMENT: (0, 4, 0)}, "Nursing and Quality": {REQUIREMENT: (0, 2, 0)}},
    }
    assert _figures(hr) == after_roster
    # What the report said on the day it was introduced: no one on the roster yet. As it was that day, from what we
    # know now: the long-standing staff the roster names were there, and nothing was due yet.
    assert _figures(hr, as_at=introduced, basis=RECORDED) == {"totals": {REQUIREMENT: None}, "groups": {}}
    assert _figures(hr, as_at=introduced) == after_roster
    # Long-standing staff are due at the end of the window from the day it was introduced, not overdue.
    due_soon = {REQUIREMENT: ("Due soon", due)}
    assert _team_page(hr, "COMMS") == dict.fromkeys(("Grace Hughes", "Mary Khan", "Sam Taylor"), due_soon)
    assert _team_page(hr, "COMMS", as_at=introduced, basis=RECORDED) == {}
    assert _team_page(hr, "COMMS", as_at=introduced) == dict.fromkeys(
        ("Grace Hughes", "Mary Khan", "Sam Taylor"), due_soon
    )

    comms = Team.objects.get(code="COMMS")
    added = hr.post(
        reverse("organisation:manager_add", args=[comms.pk]),
        {
            "employee_number": "E1002",
            **factories.date_boxes("started_on", roster_day),
            "reason": "Head of Communications",
        },
        follow=True,
    )
    assert "Grace Hughes is now a manager of Communications and Engagement." in _ok(added)
    link = TeamManager.objects.current().get()
    assert (link.staff.full_name, link.team.code, link.started_on) == ("Grace Hughes", "COMMS", roster_day)
    grace = Client()
    factories.sign_in(grace, StaffMember.objects.get(employee_number="E1002").user)
    assert _team_page(grace, "COMMS") == dict.fromkeys(("Grace Hughes", "Mary Khan", "Sam Taylor"), due_soon)
    assert grace.get(reverse("reports:team"), {"team": Team.objects.get(code="SAFE").pk}).status_code == 404
    text, rows = _pack(hr, "NWX", tmp_path)
    everyone = ("Hana Okafor", "Grace Hughes", "Sam Taylor", "Mary Khan", "Priya Shah", "Tom Reid")
    assert {name: row[:3] for name, row in rows.items()} == dict.fromkeys(everyone, ("Due soon", None, due))
    assert "Summary by team" in text and "Tom Reid employee E1006, Safeguarding" in text

    # --- Day 4: completions from the national e-learning records -------------------------------------------------
    clock.go_to(completions_day)
    sign_in_again()
    achieved = completions_day - datetime.timedelta(days=40)  # before it was introduced: it still counts
    expires = add_months(achieved, 36)
    upload = SimpleUploadedFile("completions.csv", _completions_file(achieved))
    batch_url = hr.post(reverse("imports:upload", args=["completions"]), {"file": upload})["Location"]
    dry_run = _ok(hr.get(batch_url))
    assert "0 to record" in dry_run and "4 skipped: course not mapped" in dry_run and ADULTS_COURSE in dry_run
    batch = ImportBatch.objects.get(kind="completions")
    mapped = hr.post(
        reverse("imports:map", args=[batch.pk]),
        {"competence": ADULTS_COURSE, "requirement": requirement.pk},
        follow=True,
    )
    dry_run = _ok(mapped)
    assert f"now counts towards {REQUIREMENT}" in dry_run and "4 to record" in dry_run
    assert "Record 4 completions" in dry_run and not EvidenceEntry.objects.exists()
    applied = _ok(hr.post(reverse("imports:apply", args=[batch.pk]), follow=True))
    assert "4 completions recorded; 0 were already recorded." in applied
    after_completions = {
        "totals": {REQUIREMENT: (4, 6, 0)},
        "groups": {"Corporate Services": {REQUIREMENT: (2, 4, 0)}, "Nursing and Quality": {REQUIREMENT: (2, 2, 0)}},
    }
    assert _figures(hr) == after_completions
    # Courses done before the roster day, imported today: they change that day as it was, never what was recorded.
    assert _figures(hr, as_at=roster_day, basis=RECORDED) == after_roster
    assert _figures(hr, as_at=roster_day) == after_completions
    compliant = {REQUIREMENT: ("Compliant", expires)}
    assert _team_page(hr, "COMMS") == {"Grace Hughes": compliant, "Mary Khan": due_soon, "Sam Taylor": compliant}
    assert _team_page(hr, "COMMS", as_at=roster_day, basis=RECORDED) == dict.fromkeys(
        ["Grace Hughes", "Mary Khan", "Sam Taylor"], due_soon
    )
    assert _team_page(hr, "COMMS", as_at=roster_day) == {
        "Grace Hughes": compliant,
        "Mary Khan": due_soon,
        "Sam Taylor": compliant,
    }
    sam = StaffMember.objects.get(employee_number="E1003")
    sam_page = _person_page(hr, sam)
    assert f"{REQUIREMENT} Compliant {_short(expires)}" in sam_page and "Sam has no pauses." in sam_page
    assert f"History {_short(completions_day)}: {REQUIREMENT}, Imported completion" in sam_page

    # --- Day 5: Mary goes on maternity leave: out of the figures, no reminders ------------------------------------
    clock.go_to(pause_day)
    sign_in_again()
    mary = StaffMember.objects.get(employee_number="E1004")
    back = pause_day + datetime.timedelta(days=273)
    paused = hr.post(
        reverse("pauses:add", args=[mary.pk]),
        {
            "requirement": "all",
            "reason": "maternity",
            "other": "",
            **_date_boxes("first_day", pause_day),
            **_date_boxes("last_day", back),
        },
        follow=True,
    )
    assert "Mary Khan is paused." in _ok(paused)
    after_pause = {
        "totals": {REQUIREMENT: (4, 5, 0)},
        "groups": {"Corporate Services": {REQUIREMENT: (2, 3, 0)}, "Nursing and Quality": {REQUIREMENT: (2, 2, 0)}},
    }
    assert _figures(hr) == after_pause
    assert _figures(hr, as_at=completions_day) == after_completions
    # On return she has the days of her window that were left when the pause began (its first day among them).
    mary_due = back + (due - pause_day) + datetime.timedelta(days=1)
    paused_until = (f"Paused until {_day(back)}", mary_due)
    assert _team_page(hr, "COMMS") == {
        "Grace Hughes": compliant,
        "Mary Khan": {REQUIREMENT: paused_until},
        "Sam Taylor": compliant,
    }
    mary_page = _person_page(hr, mary)
    (pause,) = pauses_for_staff(mary)
    change = hr.get(reverse("pauses:change", args=[mary.pk, pause.ref])).content.decode()
    for name, day in (("first_day", pause_day), ("last_day", back)):  # the boxes show the date they will read back
        for part, value in _date_boxes(name, day).items():
            assert f'name="{part}" type="text" inputmode="numeric" value="{value}"' in change, part
    assert f"{REQUIREMENT} Paused until {_day(back)} {_short(mary_due)}" in mary_page
    assert (
        f"{_short(pause_day)}: {REQUIREMENT}, paused (Maternity, paternity or adoption leave) "
        f"from {_short(pause_day)} to {_short(back)}"
    ) in mary_page

    # --- Day 6: Sam's completion was someone else's: HR voids it, with the reason --------------------------------
    clock.go_to(void_day)
    sign_in_again()
    entry = EvidenceEntry.objects.get(staff=sam, source=EvidenceEntry.IMPORT)
    reason = "Imported against the wrong person: Sam Taylor did not do this course"
    assert "Sam Taylor" in _ok(hr.get(reverse("corrections:void", args=[entry.pk])))
    voided = hr.post(reverse("corrections:void", args=[entry.pk]), {"reason": reason}, follow=True)
    assert "Entry voided. Sam Taylor's status has been updated." in _ok(voided)
    after_void = {
        "totals": {REQUIREMENT: (3, 5, 0)},
        "groups": {"Corporate Services": {REQUIREMENT: (1, 3, 0)}, "Nursing and Quality": {REQUIREMENT: (2, 2, 0)}},
    }
    assert _figures(hr) == after_void
    assert _figures(hr, as_at=pause_day, basis=RECORDED) == after_pause
    assert _figures(hr, as_at=pause_day) == after_void  # as it was: the correction reaches back to the wrong entry
    assert _team_page(hr, "COMMS") == {
        "Grace Hughes": compliant,
        "Mary Khan": {REQUIREMENT: paused_until},
        "Sam Taylor": due_soon,
    }
    sam_page = _person_page(hr, sam)
    assert f"{REQUIREMENT} Due soon {_short(due)}" in sam_page
    assert f"Withdrawn {_short(void_day)} by Hana Okafor: {reason}" in sam_page, sam_page
    text, rows = _pack(hr, "NWX", tmp_path)
    assert rows == {
        "Hana Okafor": ("Due soon", None, due, ""),
        "Grace Hughes": ("Compliant", achieved, expires, f"import batch {batch.pk} line 2"),
        "Sam Taylor": ("Due soon", None, due, ""),
        "Mary Khan": (f"Paused until {_day(back)}", None, mary_due, ""),
        "Priya Shah": ("Compliant", achieved, expires, f"import batch {batch.pk} line 4"),
        "Tom Reid": ("Compliant", achieved, expires, f"import batch {batch.pk} line 5"),
    }
    assert "Corrections. Evidence recorded for Sam Taylor and later voided" in text
    assert "Imported against the wrong person" in text
    assert _block(text, "Mary Khan employee E1004").count("Paused") == 1

    # --- Today: reminders skip Mary; the reports about each earlier day still say what they said ------------------
    clock.go_to(today)
    sign_in_again()
    mailoutbox.clear()
    reminder_day = due - datetime.timedelta(days=14)  # inside Mary's pause; the others' 14-day reminder
    assert pause_day < reminder_day < back
    assert reminders_send(reminder_day)["before"] == 2
    reminders = [message for message in mailoutbox if message.subject.startswith("Reminder:")]
    assert sorted(address for message in reminders for address in message.to) == [
        "hana.okafor@example.nhs.uk",
        "sam.taylor@example.nhs.uk",
    ]
    # On a Monday the managers' weekly summary goes out too: to Grace alone, and it does not name Mary either.
    digests = [message for message in mailoutbox if message not in reminders]
    assert [message.to for message in digests] == (
        [["grace.hughes@example.nhs.uk"]] if reminder_day.weekday() == 0 else []
    )
    assert not [m for m in mailoutbox if "Mary" in m.body or "Khan" in m.body or "mary.khan" in str(m.to)]
    assert _figures(hr) == after_void
    assert _figures(hr, as_at=roster_day, basis=RECORDED) == after_roster
    assert _figures(hr, as_at=completions_day, basis=RECORDED) == after_completions
    assert _figures(hr, as_at=pause_day, basis=RECORDED) == after_pause
    assert _figures(hr, as_at=void_day, basis=RECORDED) == after_void
    # As recorded then, before the correction: Sam's completion counted.
    text, rows = _pack(hr, "NWX", tmp_path, as_at=pause_day, basis=RECORDED)
    assert rows["Sam Taylor"] == ("Compliant", achieved, expires, f"import batch {batch.pk} line 3")
    assert rows["Mary Khan"] == (f"Paused until {_day(back)}", None, mary_due, "")
    assert "Corrections" not in text
    # As it was, the correction reaches back: that completion never held.
    text, rows = _pack(hr, "NWX", tmp_path, as_at=pause_day)
    assert rows["Sam Taylor"][:2] == ("Due soon", None)
    assert rows["Mary Khan"] == (f"Paused until {_day(back)}", None, mary_due, "")
    assert "Corrections. Evidence recorded for Sam Taylor and later voided" in text

    # rebuild_status leaves the status table as it was, and so does building it again from nothing.
    live = _status_rows()
    assert len(live) == 6
    call_command("rebuild_status")
    assert "Status rebuilt: 0 rows changed, 6 rows in all" in capsys.readouterr().out
    assert _status_rows() == live
    RequirementStatus.objects.all().delete()
    projection.refresh()
    assert _status_rows() == live
    call_command("verify_evidence")
    assert "Evidence ledger intact: 6 entries checked." in capsys.readouterr().out
