"""Who may see what, on every report and export address, for five people: Sam (staff in Digital), Grace (manages
Communications, which holds Digital), Felix (manages Finance), Hana (HR, with MFA) and an anonymous visitor.

Addresses are written with symbolic values resolved per test: "@sam" is Sam's staff id, "@finance" the Finance team's
id, "@missing" an id that exists nowhere, "@yesterday" yesterday's date; anything else is sent as written, so
tampered values ("abc", "-1", a number too large for the database) are tried as they would arrive from a browser.
Every response, whatever its status, is also searched for the names of people and teams the persona may not see.
"""

import datetime
import io
import subprocess
from urllib.parse import urlencode

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.compliance.models import Requirement
from portal.compliance.projection import refresh
from portal.people.models import StaffChange, Team, TeamManager
from portal.people.roles import hr_group
from portal.reports.models import EvidencePack
from tests import factories
from tests.reports.conftest import client_for

LOGIN = "login"  # expected: a redirect to the sign-in page
MISSING = 2_000_000_000  # fits any integer column, belongs to no row
HUGE = "99999999999999999999"  # larger than any integer column
PLACEHOLDER = 987654321  # stands in for a path argument that reverse() would refuse ("abc", "-1")

PEOPLE = {
    "sam": "Sam Digital",
    "manager": "Grace Manager",
    "other": "Felix Other",
    "fin": "Fay Finance",
    "leaver": "Lee Leaver",
    "hr": "Hana Human-Resources",
}
ALL_NAMES = set(PEOPLE.values())
# Names (of people and of teams) each persona may come across; any other name of ALL_NAMES, or a team in
# FORBIDDEN_TEAMS, on a page they get is a leak.
MAY_SEE = {
    "anonymous": set(),
    "sam": {"Sam Digital"},
    "manager": {"Grace Manager", "Sam Digital", "Lee Leaver"},  # Communications and Digital, leavers included
    "other": {"Felix Other", "Fay Finance", "Hana Human-Resources"},  # Finance
    "hr": ALL_NAMES,
}
FORBIDDEN_TEAMS = {
    "anonymous": set(),
    "sam": {"Finance"},
    "manager": {"Finance"},
    "other": {"Communications", "Digital"},
    "hr": set(),
}
PERSONAS = ("anonymous", "sam", "manager", "other", "hr")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def world(org, hr):
    refresh()  # Hana joined after the `org` fixture's refresh: give her statuses like everyone else
    # Everyone was in their team a month ago, so that a report as at yesterday has people in it.
    StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    return {
        **org,
        "hr": hr,
        "organisation": Team.objects.get(depth=1),
        "requirement": Requirement.objects.get(),
    }


def _client(world, persona) -> Client:
    return Client() if persona == "anonymous" else client_for(world[persona])


def _value(world, value):
    if isinstance(value, list):
        return [_value(world, v) for v in value]
    if not isinstance(value, str) or not value.startswith("@"):
        return value
    key = value[1:]
    if key == "missing":
        return MISSING
    if key == "yesterday":
        return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    return world[key].pk


def _url(world, name, arg=None, query=None) -> str:
    if arg is None:
        path = reverse(name)
    else:
        path = reverse(name, args=[PLACEHOLDER]).replace(str(PLACEHOLDER), str(_value(world, arg)))
    if query:
        path += "?" + urlencode({k: _value(world, v) for k, v in query.items()}, doseq=True)
    return path


def _data(world, data) -> dict:
    return {k: _value(world, v) for k, v in data.items()}


def _describe(name, arg=None, query=None) -> str:
    text = name + (f"/{arg}" if arg is not None else "")
    if query:
        text += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return text


def _assert_status(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/accounts/login/"), response["Location"]
    elif isinstance(expected, str):  # a redirect to this named page
        assert response.status_code == 302, response.status_code
        assert response["Location"] == reverse(expected), response["Location"]
    else:
        assert response.status_code == expected, response.status_code


def _text(response, tmp_path) -> str:
    """What a person would read in the response: the page, the CSV, the workbook's cells or the PDF's text."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        cells = (cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)
        return "\n".join(str(cell) for cell in cells if cell is not None)
    if content_type.startswith("application/pdf"):
        path = tmp_path / "response.pdf"
        path.write_bytes(body)
        return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return body.decode("utf-8-sig", errors="replace")


def _assert_no_strangers(persona, text):
    leaked = {name for name in ALL_NAMES - MAY_SEE[persona] if name in text}
    leaked |= {team for team in FORBIDDEN_TEAMS[persona] if team in text}
    assert not leaked, f"{persona} was shown {sorted(leaked)}"


# --- GET: every report and export page -------------------------------------------------------------------------


def _get(persona, name, expected, arg=None, **query):
    return pytest.param(persona, name, arg, query, expected, id=f"{persona}-{_describe(name, arg, query)}->{expected}")


def _everyone(name, expected: dict, arg=None, **query):
    return [_get(persona, name, expected[persona], arg, **query) for persona in PERSONAS]


MANAGERS_AND_HR = {"anonymous": LOGIN, "sam": 403, "manager": 200, "other": 200, "hr": 200}
HR_ONLY = {"anonymous": LOGIN, "sam": 403, "manager": 403, "other": 403, "hr": 200}
GRACES_TEAMS = {"anonymous": LOGIN, "sam": 403, "manager": 200, "other": 404, "hr": 200}  # Communications, Digital
FELIXS_TEAM = {"anonymous": LOGIN, "sam": 403, "manager": 404, "other": 200, "hr": 200}  # Finance
NO_MANAGERS_TEAM = {"anonymous": LOGIN, "sam": 403, "manager": 404, "other": 404, "hr": 200}  # the organisation

GET_CASES = [
    # The person's own page: everyone signed in.
    *_everyone("reports:my_training", {"anonymous": LOGIN, "sam": 200, "manager": 200, "other": 200, "hr": 200}),
    # The team page: managers (their teams and below) and HR (any team).
    *_everyone("reports:team", MANAGERS_AND_HR),
    *_everyone("reports:team", GRACES_TEAMS, team="@comms"),
    *_everyone("reports:team", GRACES_TEAMS, team="@digital"),
    *_everyone("reports:team", FELIXS_TEAM, team="@finance"),
    *_everyone("reports:team", NO_MANAGERS_TEAM, team="@organisation"),
    *_everyone("reports:team", MANAGERS_AND_HR, as_at="@yesterday"),
    _get("manager", "reports:team", 200, team="@digital", as_at="@yesterday"),
    _get("manager", "reports:team", 404, team="@finance", as_at="@yesterday"),
    _get("manager", "reports:team", 400, as_at="2999-01-01"),
    _get("manager", "reports:team", 400, as_at="yesterday"),
    _get("sam", "reports:team", 403, as_at="2999-01-01"),  # refused before the date is looked at
    _get("other", "reports:team", 404, team="@comms", as_at="nonsense"),
    # The last value of a repeated parameter is the one used; the first must not widen the scope.
    _get("manager", "reports:team", 200, team=["@finance", "@digital"]),
    _get("manager", "reports:team", 404, team=["@digital", "@finance"]),
    # A person's records.
    *_everyone(
        "reports:team_person",
        {"anonymous": LOGIN, "sam": "reports:my_training", "manager": 200, "other": 404, "hr": 200},
        arg="@sam",
    ),
    *_everyone(
        "reports:team_person", {"anonymous": LOGIN, "sam": 404, "manager": 404, "other": 200, "hr": 200}, arg="@fin"
    ),
    *_everyone(
        "reports:team_person",
        {"anonymous": LOGIN, "sam": 404, "manager": "reports:my_training", "other": 404, "hr": 200},
        arg="@manager",
    ),
    *_everyone(
        "reports:team_person",
        {"anonymous": LOGIN, "sam": 404, "manager": 404, "other": 200, "hr": "reports:my_training"},
        arg="@hr",
    ),
    # A leaver stays visible to the manager of the team they left (the team page lists only current staff).
    *_everyone(
        "reports:team_person", {"anonymous": LOGIN, "sam": 404, "manager": 200, "other": 404, "hr": 200}, arg="@leaver"
    ),
    _get("other", "reports:team_person", 404, arg="@manager"),
    # The reminder button only takes POST.
    _get("manager", "reports:team_remind", 405),
    _get("anonymous", "reports:team_remind", LOGIN),
    # HR's pages.
    *_everyone("hr_reports:organisation", HR_ONLY),
    *_everyone("hr_reports:organisation", HR_ONLY, team="@digital"),
    *_everyone("hr_reports:organisation", HR_ONLY, team="@finance", requirement="@requirement"),
    *_everyone("hr_reports:organisation", HR_ONLY, staff_group="Administrative and Clerical"),
    *_everyone("hr_reports:organisation", HR_ONLY, as_at="@yesterday"),
    *_everyone("hr_reports:trend", HR_ONLY),
    *_everyone("hr_reports:trend", HR_ONLY, requirement="@requirement"),
    *_everyone("hr_reports:lists", HR_ONLY),
    *_everyone("hr_reports:audit_log", HR_ONLY),
    # Bad filters on HR's pages are the form's errors (400) for HR, and still a 403 for anyone else.
    _get("hr", "hr_reports:organisation", 400, team="@missing"),
    _get("hr", "hr_reports:organisation", 400, team="abc"),
    _get("hr", "hr_reports:organisation", 400, team="-1"),
    _get("hr", "hr_reports:organisation", 400, team=HUGE),
    _get("hr", "hr_reports:organisation", 400, requirement="@missing"),
    _get("hr", "hr_reports:organisation", 400, requirement="abc"),
    _get("hr", "hr_reports:organisation", 400, staff_group="Nobody's group"),
    _get("hr", "hr_reports:organisation", 400, as_at="2999-01-01"),
    _get("hr", "hr_reports:trend", 400, requirement="abc"),
    _get("hr", "hr_reports:trend", 400, requirement="@missing"),
    _get("hr", "hr_reports:audit_log", 200, page="abc"),
    _get("hr", "hr_reports:audit_log", 200, page="-1"),
    _get("manager", "hr_reports:organisation", 403, team="@digital"),
    _get("manager", "hr_reports:audit_log", 403, page="2"),
    # Exports.
    *_everyone("exports:csv", MANAGERS_AND_HR),
    *_everyone("exports:xlsx", MANAGERS_AND_HR),
    *_everyone("exports:csv", GRACES_TEAMS, team="@digital"),
    *_everyone("exports:xlsx", GRACES_TEAMS, team="@digital"),
    *_everyone("exports:csv", FELIXS_TEAM, team="@finance"),
    *_everyone("exports:xlsx", FELIXS_TEAM, team="@finance"),
    *_everyone("exports:csv", MANAGERS_AND_HR, as_at="@yesterday"),
    *_everyone("exports:xlsx", MANAGERS_AND_HR, as_at="@yesterday"),
    _get("manager", "exports:csv", 404, team="@finance", as_at="@yesterday"),
    _get("manager", "exports:xlsx", 404, team="@organisation"),
    _get("manager", "exports:csv", 400, as_at="2999-01-01"),
    _get("hr", "exports:xlsx", 400, as_at="31/12/2025"),
    # The page that asks for an evidence pack.
    *_everyone("exports:pack_new", MANAGERS_AND_HR),
    *_everyone("exports:pack_new", GRACES_TEAMS, team="@digital"),
    *_everyone("exports:pack_new", FELIXS_TEAM, team="@finance"),
]

# Team ids that are not a team the persona may pick: a 404 for managers and HR (403 for staff who manage no one).
TAMPERED_TEAMS = ["@missing", "abc", "-1", "0", HUGE]
TAMPERED_IDS = ["@missing", "abc", "-1", "0", HUGE]  # in the path, "abc" and "-1" do not match <int:...>
GET_CASES += [
    _get(persona, name, 403 if persona == "sam" else 404, team=team)
    for name in ("reports:team", "exports:csv", "exports:xlsx", "exports:pack_new")
    for team in TAMPERED_TEAMS
    for persona in PERSONAS[1:]
]
GET_CASES += [_get(persona, "reports:team_person", 404, arg=arg) for arg in TAMPERED_IDS for persona in PERSONAS[1:]]
GET_CASES += [_get("anonymous", "reports:team_person", LOGIN, arg="@missing")]


@pytest.mark.parametrize(("persona", "name", "arg", "query", "expected"), GET_CASES)
def test_who_may_get_each_report_and_export(world, tmp_path, persona, name, arg, query, expected):
    response = _client(world, persona).get(_url(world, name, arg, query))
    _assert_status(response, expected)
    _assert_no_strangers(persona, _text(response, tmp_path))


# --- What a page that succeeds holds: the people asked for, nobody else ----------------------------------------


def _shows(persona, name, present, absent, **query):
    return pytest.param(persona, name, query, present, absent, id=f"{persona}-{_describe(name, None, query)}")


CONTENT_CASES = [
    _shows("manager", "reports:team", {"Sam Digital", "Grace Manager", "Digital"}, {"Lee Leaver"}),
    _shows("manager", "reports:team", {"Sam Digital"}, {"Lee Leaver"}, team="@digital"),
    _shows("other", "reports:team", {"Fay Finance", "Hana Human-Resources"}, set()),
    _shows("hr", "reports:team", {"Sam Digital", "Fay Finance", "Grace Manager", "Felix Other"}, {"Lee Leaver"}),
    _shows("hr", "reports:team", {"Fay Finance"}, {"Sam Digital", "Lee Leaver"}, team="@finance"),
    _shows("manager", "exports:csv", {"Sam Digital", "Grace Manager"}, {"Lee Leaver"}),
    _shows("manager", "exports:csv", {"Sam Digital"}, {"Grace Manager", "Lee Leaver"}, team="@digital"),
    _shows("manager", "exports:xlsx", {"Sam Digital"}, {"Grace Manager", "Lee Leaver"}, team="@digital"),
    _shows("other", "exports:xlsx", {"Fay Finance", "Felix Other", "Hana Human-Resources"}, set()),
    _shows(
        "hr",
        "exports:csv",
        {"Sam Digital"},
        {"Grace Manager", "Fay Finance", "Felix Other", "Hana Human-Resources", "Lee Leaver"},
        team="@digital",
    ),
    _shows(
        "hr",
        "exports:xlsx",
        {"Fay Finance", "Felix Other", "Hana Human-Resources"},
        {"Sam Digital", "Grace Manager", "Lee Leaver"},
        team="@finance",
    ),
    # As at a past date: the people the roster placed in the teams then, still only within the persona's teams.
    _shows("manager", "reports:team", {"Sam Digital", "Grace Manager"}, set(), as_at="@yesterday"),
    _shows("manager", "exports:csv", {"Sam Digital", "Grace Manager"}, {"Lee Leaver"}, as_at="@yesterday"),
    _shows("manager", "exports:xlsx", {"Sam Digital"}, {"Grace Manager"}, team="@digital", as_at="@yesterday"),
    _shows("other", "reports:team", {"Fay Finance", "Felix Other"}, set(), as_at="@yesterday"),
    _shows("other", "exports:csv", {"Fay Finance", "Felix Other"}, set(), as_at="@yesterday"),
    _shows("hr", "exports:csv", {"Fay Finance"}, {"Sam Digital", "Grace Manager"}, team="@finance", as_at="@yesterday"),
]


@pytest.mark.parametrize(("persona", "name", "query", "present", "absent"), CONTENT_CASES)
def test_a_report_holds_the_people_in_scope_and_no_one_else(world, tmp_path, persona, name, query, present, absent):
    response = _client(world, persona).get(_url(world, name, query=query))
    assert response.status_code == 200
    text = _text(response, tmp_path)
    assert {item for item in present if item not in text} == set()
    assert {item for item in absent if item in text} == set()


def test_a_person_page_shows_that_person(world):
    html = client_for(world["manager"]).get(_url(world, "reports:team_person", "@sam")).content.decode()
    assert "Sam Digital" in html and "Safeguarding Adults Level 1" in html


# --- POST: reminders -------------------------------------------------------------------------------------------


def _remind(persona, data, expected, emailed=()):
    described = "&".join(f"{k}={v}" for k, v in data.items()) or "(nothing)"
    return pytest.param(persona, data, expected, emailed, id=f"{persona}-{described}->{expected}")


def _remind_bug(persona, data):
    """A `staff` value that is not a whole number: once a 500 (ValueError), now a 404 that sends nothing."""
    return pytest.param(persona, data, 404, (), id=f"{persona}-staff={data['staff']}->404")


REMIND_CASES = [
    _remind("anonymous", {"staff": "@sam"}, LOGIN),
    _remind("anonymous", {}, LOGIN),
    _remind("sam", {"staff": "@manager"}, 403),
    _remind("sam", {"staff": "@sam"}, 403),
    _remind("sam", {}, 403),
    _remind("sam", {"team": "@digital"}, 403),
    # The manager: people currently in their teams and below, not themselves.
    _remind("manager", {"staff": "@sam"}, "reports:team", ("sam",)),
    _remind("manager", {"staff": "@sam", "team": "@digital"}, "reports:team", ("sam",)),
    _remind("manager", {"team": "@digital"}, "reports:team", ("sam",)),
    _remind("manager", {"staff": "@sam", "next": "https://evil.example/"}, "reports:team", ("sam",)),
    _remind("manager", {"staff": "@fin"}, 404),
    _remind("manager", {"staff": "@other"}, 404),
    _remind("manager", {"staff": "@hr"}, 404),
    _remind("manager", {"staff": "@leaver"}, 404),
    _remind("manager", {"staff": "@manager"}, 404),
    _remind("manager", {"team": "@finance"}, 404),
    _remind("manager", {"team": "@organisation"}, 404),
    _remind("manager", {"staff": "@sam", "team": "@finance"}, 404),
    _remind("manager", {"staff": "@fin", "team": "@digital"}, 404),
    _remind("manager", {"staff": "@fin", "team": "@finance"}, 404),
    _remind("manager", {"staff": "@missing"}, 404),
    _remind("manager", {"staff": "-1"}, 404),
    _remind("manager", {"staff": "0"}, 404),
    _remind("manager", {"staff": HUGE}, 404),
    _remind("manager", {"team": "abc"}, 404),
    _remind("manager", {"team": "-1"}, 404),
    _remind("manager", {"team": "@missing"}, 404),
    _remind_bug("manager", {"staff": "abc"}),
    _remind_bug("manager", {"staff": "1.0"}),
    # The other manager: Finance only.
    _remind("other", {"staff": "@sam"}, 404),
    _remind("other", {"staff": "@manager"}, 404),
    _remind("other", {"team": "@comms"}, 404),
    _remind("other", {"team": "@digital"}, 404),
    _remind("other", {"staff": "@sam", "team": "@finance"}, 404),
    _remind("other", {"staff": "@fin"}, "reports:team", ("fin",)),
    # HR: anyone current but themselves.
    _remind("hr", {"staff": "@sam"}, "reports:team", ("sam",)),
    _remind("hr", {"staff": "@fin", "team": "@finance"}, "reports:team", ("fin",)),
    _remind("hr", {"staff": "@hr"}, 404),
    _remind("hr", {"staff": "@leaver"}, 404),
    _remind("hr", {"staff": "@sam", "team": "@finance"}, 404),
    _remind("hr", {"staff": "@missing"}, 404),
    _remind("hr", {"team": "abc"}, 404),
    _remind_bug("hr", {"staff": "abc"}),
]


@pytest.mark.parametrize(("persona", "data", "expected", "emailed"), REMIND_CASES)
def test_who_may_send_a_reminder_to_whom(world, tmp_path, mailoutbox, persona, data, expected, emailed):
    response = _client(world, persona).post(reverse("reports:team_remind"), _data(world, data))
    _assert_status(response, expected)
    assert sorted(email.to[0] for email in mailoutbox) == sorted(world[key].work_email for key in emailed)
    _assert_no_strangers(persona, _text(response, tmp_path))


# --- POST: asking for an evidence pack -------------------------------------------------------------------------


def _ask(persona, data, expected, pack_team=None):
    described = "&".join(f"{k}={v}" for k, v in data.items()) or "(nothing)"
    return pytest.param(persona, data, expected, pack_team, id=f"{persona}-{described}->{expected}")


PACK_NEW_CASES = [
    _ask("anonymous", {"team": "@digital"}, LOGIN),
    _ask("sam", {"team": "@digital"}, 403),
    _ask("sam", {}, 403),
    _ask("manager", {"team": "@digital"}, 302, "@digital"),
    _ask("manager", {"team": "@comms", "as_at": "@yesterday"}, 302, "@comms"),
    _ask("manager", {}, 302, "@comms"),  # the first team they manage
    _ask("manager", {"team": "@finance"}, 404),
    _ask("manager", {"team": "@organisation"}, 404),
    _ask("manager", {"team": "@finance", "as_at": "nonsense"}, 404),  # the team is checked first
    _ask("manager", {"team": "@digital", "as_at": "2999-01-01"}, 400),
    _ask("other", {"team": "@comms"}, 404),
    _ask("other", {"team": "@digital"}, 404),
    _ask("other", {"team": "@finance"}, 302, "@finance"),
    _ask("hr", {"team": "@finance"}, 302, "@finance"),
    _ask("hr", {"team": "@digital"}, 302, "@digital"),
    _ask("hr", {}, 302, "@organisation"),
    *(_ask(persona, {"team": team}, 404) for persona in ("manager", "hr") for team in TAMPERED_TEAMS),
]


@pytest.mark.parametrize(("persona", "data", "expected", "pack_team"), PACK_NEW_CASES)
def test_who_may_ask_for_an_evidence_pack_of_which_team(world, tmp_path, persona, data, expected, pack_team):
    response = _client(world, persona).post(reverse("exports:pack_new"), _data(world, data))
    if pack_team is None:
        _assert_status(response, expected)
        assert not EvidencePack.objects.exists()
        _assert_no_strangers(persona, _text(response, tmp_path))
        return
    pack = EvidencePack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:pack_detail", args=[pack.pk])
    assert (pack.team_id, pack.requested_by_id, pack.status) == (
        _value(world, pack_team),
        world[persona].user_id,
        EvidencePack.DONE,
    )


# --- GET: an evidence pack, only for whoever asked for it, within what they may still see -----------------------

PACK_URLS = ("exports:pack_detail", "exports:pack_status", "exports:pack_pdf", "exports:pack_csv")
PACK_OWNERS = {"manager": "@digital", "other": "@finance", "hr": "@comms"}
PACK_SHOWS = {"manager": "Sam Digital", "other": "Fay Finance", "hr": "Grace Manager"}  # someone in the pack's team


def _make_pack(world, owner) -> EvidencePack:
    response = client_for(world[owner]).post(reverse("exports:pack_new"), {"team": _value(world, PACK_OWNERS[owner])})
    assert response.status_code == 302
    pack = EvidencePack.objects.get(requested_by=world[owner].user)
    assert pack.status == EvidencePack.DONE
    return pack


PACK_CASES = [
    pytest.param(persona, owner, name, expected, id=f"{persona}-{name}-of-{owner}->{expected}")
    for owner in PACK_OWNERS
    for persona in PERSONAS
    for name in PACK_URLS
    for expected in [LOGIN if persona == "anonymous" else 200 if persona == owner else 404]
]


@pytest.mark.parametrize(("persona", "owner", "name", "expected"), PACK_CASES)
def test_a_pack_is_only_for_who_asked_for_it(world, tmp_path, persona, owner, name, expected):
    pack = _make_pack(world, owner)
    response = _client(world, persona).get(reverse(name, args=[pack.pk]))
    _assert_status(response, expected)
    text = _text(response, tmp_path)
    _assert_no_strangers(persona, text)
    if expected == 200 and name in ("exports:pack_pdf", "exports:pack_csv"):
        assert PACK_SHOWS[owner] in text


PACK_TAMPER_CASES = [
    pytest.param(persona, name, arg, 404, id=f"{persona}-{name}/{arg}->404")
    for persona in PERSONAS[1:]
    for name in PACK_URLS
    for arg in TAMPERED_IDS
] + [pytest.param("anonymous", name, "@missing", LOGIN, id=f"anonymous-{name}/@missing->login") for name in PACK_URLS]


@pytest.mark.parametrize(("persona", "name", "arg", "expected"), PACK_TAMPER_CASES)
def test_pack_ids_that_are_no_pack_are_not_found(world, tmp_path, persona, name, arg, expected):
    _make_pack(world, "manager")  # a pack exists, and is nobody's but Grace's
    response = _client(world, persona).get(_url(world, name, arg))
    _assert_status(response, expected)
    _assert_no_strangers(persona, _text(response, tmp_path))


def _no_longer_a_manager(world):
    TeamManager.objects.filter(staff=world["manager"]).delete()


def _manages_finance_instead(world):
    TeamManager.objects.filter(staff=world["manager"]).update(team=world["finance"])


def _manages_digital_only(world):
    TeamManager.objects.filter(staff=world["manager"]).update(team=world["digital"])


def _moved_to_hr(world):
    TeamManager.objects.filter(staff=world["manager"]).delete()
    world["manager"].user.groups.add(hr_group())
    factories.with_mfa(world["manager"].user)


@pytest.mark.parametrize(
    ("change", "name", "expected"),
    [
        pytest.param(change, name, expected, id=f"{change.__name__[1:]}-{name}->{expected}")
        for change, expected in [
            (_no_longer_a_manager, 403),
            (_manages_finance_instead, 404),
            (_manages_digital_only, 200),
            (_moved_to_hr, 200),
        ]
        for name in PACK_URLS
    ],
)
def test_a_pack_follows_what_its_requester_may_still_see(world, change, name, expected):
    pack = _make_pack(world, "manager")  # Digital
    change(world)
    assert client_for(world["manager"]).get(reverse(name, args=[pack.pk])).status_code == expected


# --- Certificates: the person's own, or anyone's for HR ---------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "owner", "expected"),
    [
        ("anonymous", "sam", LOGIN),
        ("sam", "sam", 200),
        ("manager", "sam", 404),  # a manager sees the record on the person page, not the certificate
        ("other", "sam", 404),
        ("hr", "sam", 200),
        ("sam", "fin", 404),
        ("other", "fin", 404),
        ("hr", "fin", 200),
    ],
)
def test_who_may_download_a_certificate(world, persona, owner, expected):
    requirement = world["requirement"]
    entry = factories.make_completion(world[owner], requirement, source_ref=f"{owner} certificate")
    response = _client(world, persona).get(reverse("reports:certificate_pdf", args=[entry.pk]))
    _assert_status(response, expected)


@pytest.mark.parametrize("persona", ["sam", "manager", "hr"])
@pytest.mark.parametrize("arg", TAMPERED_IDS)
def test_certificate_ids_that_are_no_certificate_are_not_found(world, persona, arg):
    factories.make_completion(world["sam"], world["requirement"])
    assert _client(world, persona).get(_url(world, "reports:certificate_pdf", arg)).status_code == 404


# --- HR without a second factor is sent to set one up before any of this ---------------------------------------

MFA_GUARDED = [
    "reports:team",
    "exports:csv",
    "exports:xlsx",
    "exports:pack_new",
    "hr_reports:organisation",
    "hr_reports:trend",
    "hr_reports:lists",
    "hr_reports:audit_log",
]


@pytest.mark.parametrize("name", MFA_GUARDED)
def test_hr_without_mfa_is_sent_to_set_it_up(org, name):
    org["fin"].user.groups.add(hr_group())
    response = client_for(org["fin"]).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_hr_without_mfa_still_sees_their_own_training(org):
    org["fin"].user.groups.add(hr_group())
    assert client_for(org["fin"]).get(reverse("reports:my_training")).status_code == 200
