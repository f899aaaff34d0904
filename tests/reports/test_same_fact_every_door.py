"""One ward, read through every door a manager, HR or an inspector uses, on the same day: each says the same.

Ward 7 (with its Night shift below) has someone in every status: compliant, due soon, overdue, not started, a
completion voided, a certificate waiting for HR, a pause, a leaver, someone moved in (the move dated a past day and
recorded today), and the Night shift's own manager. The doors: HR's organisation report (the ward's line and its
teams, and its row under Medicine), HR's list of who is overdue by team, the manager's team page, the CSV, the
workbook, the evidence pack (its PDF read back with pdftotext, and its CSV twin), each person's own page and their
page as the manager opens it, and the API's figures, team and person reads. Each is read into the same shape (who,
each person's status words and due date, the order; the figure: required, compliant, overdue, whole percent rounded
down; the counts by state; the ward's own people and the Night shift apart) and held to what the ward is: live, as at
today on either clock, and a past day on either clock. The pins this adds to: tests/reports/test_exports.py (the
workbook's rows are the CSV's), test_packs_clocks.py (a pack as it was is the export as it was), test_organisation.py
(live is as at today), test_paused_in_reports.py (a pause on each door, on its own)."""

import csv
import datetime
import io
import re
import subprocess

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.api.clients import api_client_create
from portal.api.models import ApiClient
from portal.compliance import pauses
from portal.compliance.models import EvidenceEntry
from portal.compliance.services import evidence_void, status_rebuild
from portal.compliance.status import DUE_SOON, LABELS, NOT_STARTED, PAUSED
from portal.people.history import staff_changes_record
from portal.people.models import StaffChange, Team, TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_certificates import PDF, upload
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made

DAY = datetime.timedelta(days=1)


def _today():
    return timezone.localdate()


def _past():
    return _today() - 20 * DAY


@pytest.fixture
def ward(db, private_media):
    """Everyone long in post (their roster rows recorded long ago), one requirement renewed yearly, a new starter's
    window of 90 days. The evidence is recorded today, about days past: the past day's two clocks differ."""
    today = _today()
    trust = factories.make_team("Example Trust", kind=Team.ORGANISATION)
    medicine = factories.make_team("Medicine", parent=trust, kind=Team.DIRECTORATE)
    surgery = factories.make_team("Surgery", parent=trust, kind=Team.DIRECTORATE)
    ward = factories.make_team("Ward 7", parent=medicine)
    night = factories.make_team("Night shift", parent=ward, kind=Team.SUB_TEAM)
    fire = factories.make_requirement(name="Fire safety", renewal_months=12, new_starter_days=90)
    people = {}
    # Last names sort against the first: the order a door promises (by last name) shows.
    for first, last, team in [
        ("Ann", "Young", ward),  # compliant
        ("Ben", "Xavier", ward),  # due soon, still compliant
        ("Cat", "Walsh", ward),  # overdue: expired
        ("Dan", "Vance", ward),  # not started: joined ten days ago
        ("Eve", "Upton", ward),  # left five days ago
        ("Fay", "Thorne", ward),  # overdue: her completion voided
        ("Gus", "Stone", ward),  # overdue, a certificate waiting for HR
        ("Hal", "Reed", ward),  # paused
        ("Ivy", "Quinn", surgery),  # moved to Ward 7 on the past day, recorded today
        ("Max", "Price", night),  # manages the Night shift, below the ward
        ("Grace", "Olsen", medicine),  # manages Ward 7 from Medicine: not in it
        ("Hana", "Nash", trust),  # HR
    ]:
        people[first] = factories.make_staff(team=team, first_name=first, last_name=last)
    people["Dan"].start_date = today - 10 * DAY
    people["Eve"].leave_date = today - 5 * DAY
    for person in (people["Dan"], people["Eve"]):
        person.save()
    staff_changes_record([people["Dan"], people["Eve"]], effective={people["Dan"].pk: people["Dan"].start_date})
    TeamManager.objects.create(staff=people["Grace"], team=ward)
    TeamManager.objects.create(staff=people["Max"], team=night)
    hr = people["Hana"]
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - 500 * DAY)
    people["Ivy"].team = ward
    people["Ivy"].save()
    staff_changes_record([people["Ivy"]], effective=_past())
    status_rebuild(user=None, via="the test's setup")
    for first, days_ago in [("Ann", 100), ("Ben", 350), ("Cat", 400), ("Fay", 100), ("Ivy", 200)]:
        # Noon, London time, on the day the figures expect: `now - days_ago` falls on another London day between
        # 23:00 and 01:00 when a clock change lies between it and today.
        noon = datetime.datetime.combine(today - days_ago * DAY, datetime.time(12))
        factories.make_completion(people[first], fire, completed_at=timezone.make_aware(noon))
    voided = EvidenceEntry.objects.get(staff=people["Fay"])
    evidence_void(entry=voided, reason="Recorded against the wrong person", voided_by=hr.user)
    assert upload(client_for(people["Gus"]), fire, PDF, completed=(today - 3 * DAY).isoformat()).status_code == 302
    pauses.pause_add(
        staff=people["Hal"],
        requirements=[fire],
        reason_code=pauses.SICKNESS,
        first_day=today - 30 * DAY,
        last_day=today + 60 * DAY,
        user=hr.user,
    )
    _, token = api_client_create(name="Inspector", scopes=[ApiClient.READ_STANDING], team=None, user=hr.user)
    return {"ward": ward, "medicine": medicine, "fire": fire, "people": people, "hr": hr, "token": token}


# --- what the ward is, on each clock ------------------------------------------------------------------------------

PAUSED_WORDS = "Paused until {:%-d %B %Y}"
STATES = ("Due soon", "Not started", "Paused")  # counted apart on the team page and in the API
# (the day, the clock): live, today as at on either clock, and the past day on either clock.
CLOCKS = [
    ("today", None),
    ("today", "as_it_was"),
    ("today", "as_recorded"),
    ("past", "as_it_was"),
    ("past", "as_recorded"),
]


def _expected(when: str, clock: str | None) -> tuple[dict[str, str], tuple[int, int, int, int]]:
    """Each person's status words, and the ward's figure (required, compliant, overdue, whole percent rounded down);
    the ward's own people and the Night shift's apart are in `_by_team`."""
    paused = PAUSED_WORDS.format(_today() + 60 * DAY)
    if when == "today":  # Eve has left; Dan has joined; Hal is out of the figure; 3 of 8 is 37.5%, shown as 37%
        words = {"Ann Young": "Compliant", "Ben Xavier": "Due soon", "Cat Walsh": "Overdue", "Dan Vance": "Not started"}
        words |= {"Fay Thorne": "Overdue", "Gus Stone": "Overdue", "Hal Reed": paused, "Ivy Quinn": "Compliant"}
        return words | {"Max Price": "Overdue"}, (8, 3, 4, 37)
    if clock == "as_it_was":  # Eve still in post, Dan not yet; Ben 35 days from his expiry; Ivy moved in that day
        words = {"Ann Young": "Compliant", "Ben Xavier": "Compliant", "Cat Walsh": "Overdue", "Eve Upton": "Overdue"}
        words |= {"Fay Thorne": "Overdue", "Gus Stone": "Overdue", "Hal Reed": paused, "Ivy Quinn": "Compliant"}
        return words | {"Max Price": "Overdue"}, (8, 3, 5, 37)
    # As recorded then: none of the evidence, the pause nor Ivy's move had been recorded by the end of the day.
    names = ["Ann Young", "Ben Xavier", "Cat Walsh", "Eve Upton", "Fay Thorne", "Gus Stone", "Hal Reed", "Max Price"]
    return dict.fromkeys(names, "Overdue"), (8, 0, 8, 0)


def _by_team(when: str, clock: str | None) -> dict[str, tuple[int, int, int]]:
    """The figure of the ward's own people and of the Night shift below it: (required, overdue, percent)."""
    ward = {"today": (7, 3, 42), "as_it_was": (7, 4, 42), "as_recorded": (7, 7, 0)}[clock if when == "past" else when]
    return {"Ward 7": ward, "Night shift": (1, 1, 0)}


def _due_dates(when: str, clock: str | None) -> dict[str, datetime.date]:
    """Each person's due date: a year after their completion; never done, 90 days from their start (5 April 2020 for
    everyone long in post: Hal's pause began after it, so moved nothing)."""
    done = {"Ann Young": 100, "Ben Xavier": 350, "Cat Walsh": 400, "Ivy Quinn": 200}
    if when == "past" and clock == "as_recorded":  # none of it recorded by the end of that day
        done = {}
    dues = dict.fromkeys(_expected(when, clock)[0], datetime.date(2020, 4, 5))
    dues |= {name: _a_year_after(_today() - days * DAY) for name, days in done.items()}
    return dues | ({"Dan Vance": _today() + 80 * DAY} if when == "today" else {})


def _a_year_after(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + 1, day.month, 28) if (day.month, day.day) == (2, 29) else day.replace(day.year + 1)


def _what_the_ward_is(when: str, clock: str | None) -> dict:
    """Every part of a reading (below), as each door must say it."""
    (words, figure), due, teams = _expected(when, clock), _due_dates(when, clock), _by_team(when, clock)
    return {
        "people": {name: (said, due[name]) for name, said in words.items()},
        "states": {name: (said.split(" until ")[0], due[name]) for name, said in words.items()},
        "order": sorted(words, key=lambda name: name.split()[::-1]),  # by last name, as the team page lists them
        "figure": figure,
        "counts": {state: sum(said.startswith(state) for said in words.values()) for state in STATES},
        "everyone": len(words),
        "teams": teams,
        "overdue": {team: overdue for team, (_, overdue, _) in teams.items()},
    }


# --- each door, read into the same shape -------------------------------------------------------------------------
# A reading holds the parts a door gives: "people" {name: (status words, due date)} ("states": the words of the
# state's code, "Paused" for "Paused until ..."), "order" [names], "figure" (required, compliant, overdue, percent),
# "counts" {state: people}, "everyone" (people, paused too), "teams" {team: (required, overdue, percent)} for the
# ward's own people and the Night shift apart, "overdue" {team: people}. Each door's dates are read in its own form.

SHORT, LONG, ISO = "j M Y", "j F Y", "ISO"
FORMS = {
    SHORT: (r"(?<!\d)[1-9]\d? [A-Z][a-z]{2} \d{4}(?! \d\d:\d\d)", "%d %b %Y"),
    LONG: (r"(?<!\d)[1-9]\d? [A-Z][a-z]+ \d{4}", "%d %B %Y"),
    ISO: (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
}
PERCENT = re.compile(r'(\d+)%(?: below)?</strong><br><span class="nhsuk-body-s">(\d+) of (\d+)(?:, (\d+) overdue)?')
TEAM_ROW = re.compile(
    r'<th scope="row" class="nhsuk-table__header"><a href="[^"]*">([^<]+)</a>.*?</th>\s*<td class="nhsuk-table__cell">'
    r'<strong class="nhsuk-tag nhsuk-tag--\w+">([^<]+)</strong>(?:<br><span class="nhsuk-body-s">([^<]+)</span>)?',
    re.S,
)
MINE = re.compile(
    r'<strong class="nhsuk-tag nhsuk-tag--\w+">([^<]+)</strong></td>\s*<td[^>]*><span[^>]*>[^<]*</span>'
    r"([^<]*)</td>"
)
TEAM_COUNTS = re.compile(
    r"Due soon </span>(?:<strong[^>]*>(\d+) due soon</strong>|None)</td>.*?Not started </span>(\d+)</td>.*?"
    r"Paused </span>(\d+)</td>",
    re.S,
)
BY_TEAM = re.compile(
    r'>(?:People in )?([^<]+)</a>\s*</th>\s*<td class="nhsuk-table__cell"><strong[^>]*>' + PERCENT.pattern
)
PACK_TEAM = re.compile(r"([A-Z][A-Za-z0-9 ]*?) \d+ (\d+) (\d+)% (\d+) \d+ ")
PACK_PERSON = re.compile(r"([A-Z][a-z]+ [A-Z][a-z]+) employee E\d+, ")
PACK_STATUS = re.compile(
    r"Fire safety (Compliant|Due soon|Overdue|Not started|Paused until [1-9]\d? [A-Z][a-z]+ \d{4})"
)
PACK_FIGURE = re.compile(r"(\d+)% of (\d+) requirements held by these people \((\d+) compliant, (\d+) overdue\)")


def _due(text, form: str, last: bool = False) -> datetime.date | None:
    pattern, parse = FORMS[form]
    found = re.findall(pattern, text or "")
    return datetime.datetime.strptime(found[-1 if last else 0], parse).date() if found else None


def _percent_after(html: str, *markers: str) -> tuple:
    at = 0
    for marker in markers:
        at = html.index(marker, at)
    percent, compliant, required, overdue = PERCENT.search(html, at).groups()
    return int(required), int(compliant), int(overdue or 0), int(percent)


def _get(client, name, params=None, **headers):
    response = client.get(reverse(name) if ":" in name else name, params or {}, headers=headers)
    assert response.status_code == 200, (name, params, response.content[:600])
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def _table(rows: list[dict], day: datetime.date) -> dict:
    """A file's rows (dates as dates): each person's words and due date, and the figures they add up to, the ward's
    and each team's (by the Team column)."""
    teams = {}
    for team in {row["Team"] for row in rows}:
        required, _, overdue, percent = _figure([row for row in rows if row["Team"] == team], day)
        teams[team] = (required, overdue, percent)
    people = {row["Name"]: (row["Status"], row["Due on"]) for row in rows}
    return {"people": people, "figure": _figure(rows, day), "teams": teams}


def _figure(rows: list[dict], day: datetime.date) -> tuple[int, int, int, int]:
    """By the report's rule: a paused row out; compliant while a completion is in date; rounded down."""
    counted = [row for row in rows if not row["Status"].startswith("Paused")]
    held = sum(bool(row["Completed on"]) and (not row["Expires on"] or row["Expires on"] >= day) for row in counted)
    overdue = sum(row["Status"] == "Overdue" for row in counted)
    return len(counted), held, overdue, held * 100 // len(counted)


def _csv(body: bytes, day) -> dict:
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    for row in rows:  # dates written YYYY-MM-DD, or nothing
        for column in ("Completed on", "Expires on", "Due on"):
            assert not row[column] or re.fullmatch(FORMS[ISO][0], row[column]), row
            row[column] = _due(row[column], ISO)
    return _table(rows, day)


def _xlsx(body: bytes, day) -> dict:
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    header, *values = list(sheet.values)
    rows = [dict(zip(header, row, strict=True)) for row in values]
    for row in rows:  # dates stored as dates, which a spreadsheet sorts and filters as dates
        for column in ("Completed on", "Expires on", "Due on"):
            assert row[column] in (None, "") or isinstance(row[column], datetime.datetime), row
            row[column] = row[column].date() if row[column] else None
    return _table(rows, day)


def _pack_pdf(path) -> dict:
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout.split()
    )
    heads = list(PACK_PERSON.finditer(text))
    ends = [head.start() for head in heads[1:]] + [text.index(" Manifest ")]
    people = {}
    for head, end in zip(heads, ends, strict=True):
        section = text[head.end() : end].split(" Corrections. ")[0]  # a voided entry's dates are not the standing
        people[head.group(1)] = (PACK_STATUS.search(section).group(1), _due(section, SHORT, last=True))
    percent, required, compliant, overdue = map(int, PACK_FIGURE.search(text).groups())
    everyone = int(re.search(r" People (\d+) ", text).group(1))  # the cover's count: the paused too
    summary = text.split(" Summary by team Team People Required Compliant Overdue Paused ")[1]
    teams = {
        name: (int(required), int(overdue), int(percent))
        for name, required, percent, overdue in PACK_TEAM.findall(
            summary[: summary.index(" What each status means ")] + " "
        )
    }
    return {"people": people, "figure": (required, compliant, overdue, percent), "everyone": everyone, "teams": teams}


def _readings(ward, when: str, clock: str | None, tmp_path) -> dict[str, dict]:
    """What each door says of Ward 7 and below on the day, on the clock (None: live)."""
    day = _today() if when == "today" else _past()
    asked = {"as_at": day.isoformat(), "basis": clock} if clock else {}
    grace, hr, people = client_for(ward["people"]["Grace"]), client_for(ward["hr"]), ward["people"]
    readings = {}

    html = _get(grace, "reports:team", asked).decode()
    rows = [(name, (words, _due(due, SHORT))) for name, words, due in TEAM_ROW.findall(html)]
    figure = _percent_after(html, "Requirement </span>Fire safety</td>")
    soon, not_started, paused = TEAM_COUNTS.search(html).groups()
    counts = {"Due soon": int(soon or 0), "Not started": int(not_started), "Paused": int(paused)}
    readings["manager's team page"] = {
        "people": dict(rows),
        "order": [name for name, _ in rows],
        "figure": figure,
        "counts": counts,
    }

    html = _get(hr, "hr_reports:organisation", {"team": ward["ward"].pk, **asked}).decode()
    teams = {
        name: (int(required), int(overdue or 0), int(percent))
        for name, percent, _, required, overdue in BY_TEAM.findall(html[html.index("<h2>By team</h2>") :])
    }
    readings["HR's report of the ward"] = {"figure": _percent_after(html, "<h2>By requirement</h2>"), "teams": teams}
    html = _get(hr, "hr_reports:organisation", {"team": ward["medicine"].pk, **asked}).decode()
    readings["HR's report, the ward's row"] = {"figure": _percent_after(html, "<h2>By team</h2>", ">Ward 7</a>")}

    readings["CSV"] = _csv(_get(grace, "exports:csv", asked), day)
    readings["XLSX"] = _xlsx(_get(grace, "exports:xlsx", asked), day)
    pack = pack_made(grace, ward["ward"], day, clock or "as_recorded")
    pdf, twin = pack_downloaded(grace, pack, tmp_path)
    readings["evidence pack PDF"] = _pack_pdf(pdf)
    readings["evidence pack CSV"] = _csv(twin.read_bytes(), day)

    named = {person.full_name: person for person in people.values()}
    everyone = list(_expected(when, clock)[0])
    pages = {}
    for name in everyone:
        html = _get(grace, reverse("reports:team_person", args=[named[name].pk]), asked).decode()
        words, due = MINE.search(html).groups()  # a paused line's words name the month whole, as the person's own
        pages[name] = (words, _due(due, LONG if words.startswith("Paused") else SHORT))
    readings["person's page as the manager opens it"] = {"people": pages}
    if clock is None:
        mine = {}
        for name in everyone:
            words, due = MINE.search(_get(client_for(named[name]), "reports:my_training").decode()).groups()
            mine[name] = (words, _due(due, LONG))
        readings["each person's own page"] = {"people": mine}
        listed = _get(hr, reverse("hr_reports:list_csv", args=["overdue-by-team"])).decode("utf-8-sig")
        overdue = {row["Team"]: int(row["People overdue"]) for row in csv.DictReader(io.StringIO(listed))}
        readings["HR's list, overdue by team"] = {
            "overdue": {team: overdue.get(team, 0) for team in _by_team(when, clock)}
        }

    api = {"Authorization": f"Bearer {ward['token']}"}
    figures = {"team": ward["ward"].code, **asked}
    body = Client().get("/api/v1/organisation/figures", figures, headers=api).json()
    line = body["requirements"][0]
    teams = {
        t["team"]["name"]: (t["overall"]["required"], t["overall"]["overdue"], t["overall"]["percent"])
        for t in body["teams"]
    }
    readings["API figures"] = {
        "figure": (line["required"], line["compliant"], line["overdue"], line["percent"]),
        "teams": teams,
    }
    if clock != "as_it_was":  # the team and person reads about a day are as recorded then (docs/api.md)
        on = {"as_at": day.isoformat()} if clock else {}
        body = Client().get(f"/api/v1/teams/{ward['ward'].code}/standing", on, headers=api).json()
        [line] = body["requirements"]
        states = {
            p["name"]: (LABELS[p["requirements"][0]["state"]], _due(p["requirements"][0]["due_on"], ISO))
            for p in body["people"]
        }
        counts = {LABELS[state]: line["counts"][state] for state in (DUE_SOON, NOT_STARTED, PAUSED)}
        readings["API team"] = {
            "states": states,
            "counts": counts,
            "order": list(states),
            "figure": (line["required"], line["compliant"], line["overdue"], line["percent"]),
        }
        standing = {}
        for name in everyone:
            path = f"/api/v1/people/{named[name].employee_number}/standing"
            [line] = Client().get(path, on, headers=api).json()["requirements"]
            standing[name] = (line["label"], _due(line["due_on"], ISO))
        readings["API person"] = {"people": standing}
    return readings


@pytest.mark.parametrize(("when", "clock"), CLOCKS)
def test_every_door_says_the_same_of_the_ward(ward, when, clock, tmp_path):
    """Who is in, each person's status words and due date, the figures and their rounding, the order by name."""
    expected = _what_the_ward_is(when, clock)
    readings = _readings(ward, when, clock, tmp_path)
    wrong = [
        f"{door}: {part} {said!r}, not {expected[part]!r}"
        for door, reading in readings.items()
        for part, said in reading.items()
        if said != expected[part]
    ]
    assert not wrong, "\n".join(wrong)
