"""The story of `test_empty_database.py`: its files (the organisation, the roster, the e-learning completions), its
clock, moved day by day, and how it reads what the pages say."""

import datetime
import re
import subprocess
from html import unescape

from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import RequirementStatus
from portal.people.models import Team
from portal.reports.models import EvidencePack

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


def email(first, last) -> str:
    return f"{first.lower()}.{last.lower()}@example.nhs.uk"


def roster_file() -> bytes:
    lines = [ROSTER_HEADER]
    lines += [
        f"{n},{first},{last},{email(first, last)},{title},{group},{code},{start}"
        for n, first, last, title, group, code, start in ROSTER
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def completions_file(achieved: datetime.date) -> bytes:
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


def page_text(response) -> str:
    """The page's words, without tags, on one line: as a screen reader reads them, so without the column headings a
    responsive table repeats in each cell for narrow screens (hidden from assistive technology)."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", response.content.decode())
    html = re.sub(r'<span class="nhsuk-table-responsive__heading" aria-hidden="true">[^<]*</span>', " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def ok_text(response) -> str:
    assert response.status_code == 200, (response.status_code, page_text(response)[:2000])
    return page_text(response)


def long_day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_day(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def date_boxes(name: str, day: datetime.date) -> dict:
    """A date as the NHS.UK date input's boxes send it."""
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def figures(client, as_at: datetime.date | None = None, basis: str | None = None) -> dict:
    """The organisation report's figures: {requirement: (compliant, required, overdue)} for the whole organisation,
    and the same by directorate, as the page shows them ("3 of 5, 1 overdue"). A past day is read on the page's
    default clock ("as it was") unless `basis` names the other (RECORDED: what the page said on that day)."""
    params = {"as_at": as_at.isoformat()} if as_at else {}
    response = client.get(reverse("hr_reports:organisation"), {**params, **({"basis": basis} if basis else {})})
    page = ok_text(response)
    report = response.context["report"]
    totals = {r.name: figure_shown(report.totals[r.pk]) for r in report.requirements}
    groups = {
        g.team.name: {r.name: figure_shown(g.figures.get(r.pk)) for r in report.requirements} for g in report.groups
    }
    for figures in [totals, *groups.values()]:
        for shown in figures.values():
            assert shown is None or in_words(shown) in page, (shown, page)
    return {"totals": totals, "groups": groups}


def figure_shown(figure):
    if figure is None or not figure.required:
        return None
    return (figure.compliant, figure.required, figure.overdue)


def in_words(shown) -> str:
    compliant, required, overdue = shown
    return f"{compliant} of {required}" + (f", {overdue} overdue" if overdue else "")


def team_page(client, code: str, as_at: datetime.date | None = None, basis: str | None = None) -> dict:
    """The team page (HR may open any team): {person: {requirement: status label}}. A past day is read on the page's
    default clock ("as it was") unless `basis` names the other (RECORDED: what the page said on that day)."""
    team = Team.objects.get(code=code)
    params = {"team": team.pk, **({"as_at": as_at.isoformat()} if as_at else {}), **({"basis": basis} if basis else {})}
    response = client.get(reverse("reports:team"), params)
    page = ok_text(response)
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


def pack(
    client, code: str, tmp_path, as_at: datetime.date | None = None, basis: str = "as_it_was"
) -> tuple[str, list[list[str]]]:
    """An evidence pack for the team on the clock `basis`, made (its task runs at once), downloaded and read back:
    the PDF's text and the CSV's rows."""
    import csv
    import io

    team = Team.objects.get(code=code)
    data = {"team": team.pk, "as_at": as_at.isoformat() if as_at else "", "basis": basis}
    response = client.post(reverse("exports:pack_new"), data)
    assert response.status_code == 302, page_text(response)[:2000]
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
            iso_date(cells["Completed on"]),
            iso_date(cells["Due on"]),
            cells["Source reference"],
        )
    return text, rows


def iso_date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def status_rows() -> dict:
    """Every row of the status table, every column but its id and when it was written."""
    rows = {}
    for row in RequirementStatus.objects.values():
        del row["id"], row["updated_at"]
        rows[(row["staff_id"], row["requirement_id"])] = row
    return rows


def person_page(client, staff) -> str:
    return ok_text(client.get(reverse("reports:team_person", args=[staff.pk])))


def person_block(text: str, heading: str) -> str:
    """A person's part of a pack's text: from their heading to the next person's."""
    start = text.index(heading)
    following = re.search(r"\n\S.* employee E\d+", text[start + len(heading) :])
    return text[start : start + len(heading) + (following.start() if following else len(text))]
