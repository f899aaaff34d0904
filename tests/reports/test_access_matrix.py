"""The access matrix, part one: who may get each report and export page, what each holds, and who may send a
reminder to whom. The people, teams and helpers are in `access_matrix.py`; packs and certificates in
`test_access_matrix_packs.py`."""

import pytest
from django.urls import reverse

from tests.reports.access_matrix import (
    HUGE,
    LOGIN,
    PERSONAS,
    TAMPERED_IDS,
    TAMPERED_TEAMS,
    assert_no_strangers,
    assert_status,
    client_as,
    data_for,
    describe,
    text_of,
    url_for,
)
from tests.reports.conftest import client_for


def _get(persona, name, expected, arg=None, **query):
    return pytest.param(persona, name, arg, query, expected, id=f"{persona}-{describe(name, arg, query)}->{expected}")


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
    # Bo, in Finance, holds a bank post in Digital: Grace may open Bo's page today (read-only), not about a past day.
    *_everyone(
        "reports:team_person", {"anonymous": LOGIN, "sam": 404, "manager": 200, "other": 200, "hr": 200}, arg="@bank"
    ),
    _get("manager", "reports:team_person", 404, arg="@bank", as_at="@yesterday"),
    _get("other", "reports:team_person", 200, arg="@bank", as_at="@yesterday"),
    # A day that is not one: the error page is as read-only as the page (it named Finance to Grace)
    *_everyone(
        "reports:team_person",
        {"anonymous": LOGIN, "sam": 404, "manager": 400, "other": 400, "hr": 400},
        arg="@bank",
        as_at="31/02/2024",
    ),
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
    *_everyone("hr_reports:list_csv", HR_ONLY, arg="never-signed-in"),
    *_everyone("hr_reports:list_csv", HR_ONLY, arg="overdue-by-team"),
    *_everyone("hr_reports:list_csv", HR_ONLY, arg="new-starters"),
    _get("hr", "hr_reports:list_csv", 404, arg="everyone"),
    _get("manager", "hr_reports:list_csv", 403, arg="everyone"),
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
    response = client_as(world, persona).get(url_for(world, name, arg, query))
    assert_status(response, expected)
    assert_no_strangers(persona, text_of(response, tmp_path))


# --- What a page that succeeds holds: the people asked for, nobody else ----------------------------------------


def _shows(persona, name, present, absent, **query):
    return pytest.param(persona, name, query, present, absent, id=f"{persona}-{describe(name, None, query)}")


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
    # Bo's bank post in Digital: listed apart on Grace's live team page, counted in Finance only.
    _shows("manager", "reports:team", {"Bo Bank", "Also working in this team"}, set()),
    _shows("manager", "reports:team", {"Bo Bank"}, set(), team="@digital"),
    _shows("manager", "reports:team", set(), {"Bo Bank", "Also working"}, as_at="@yesterday"),
    _shows("manager", "exports:csv", {"Sam Digital"}, {"Bo Bank"}),
    _shows("manager", "exports:xlsx", {"Sam Digital"}, {"Bo Bank"}, team="@digital"),
    _shows("manager", "exports:csv", {"Sam Digital"}, {"Bo Bank"}, team="@digital", as_at="@yesterday"),
    _shows("manager", "reports:find", {"Bo Bank", "Through a post in your teams"}, {">Finance<"}, q="Bo"),
    _shows("other", "reports:find", {"Bo Bank", ">Finance<"}, {"Through a post"}, q="Bo"),
    _shows("other", "reports:team", {"Bo Bank"}, {"Also working"}),
    _shows("other", "exports:csv", {"Bo Bank"}, set()),
    _shows("hr", "reports:team", {"Bo Bank"}, {"Also working"}),
    _shows("hr", "reports:team", {"Bo Bank", "Also working"}, set(), team="@comms"),
]


@pytest.mark.parametrize(("persona", "name", "query", "present", "absent"), CONTENT_CASES)
def test_a_report_holds_the_people_in_scope_and_no_one_else(world, tmp_path, persona, name, query, present, absent):
    response = client_as(world, persona).get(url_for(world, name, query=query))
    assert response.status_code == 200
    text = text_of(response, tmp_path)
    assert {item for item in present if item not in text} == set()
    assert {item for item in absent if item in text} == set()


def test_bo_s_page_is_read_only_for_the_bank_posts_manager(world):
    grace = client_for(world["manager"]).get(url_for(world, "reports:team_person", "@bank")).content.decode()
    felix = client_for(world["other"]).get(url_for(world, "reports:team_person", "@bank")).content.decode()
    assert "Send Bo a reminder" not in grace and "holds a post in a team you manage" in grace
    assert "Send Bo a reminder" in felix and "holds a post in a team you manage" not in felix


def test_a_person_page_shows_that_person(world):
    html = client_for(world["manager"]).get(url_for(world, "reports:team_person", "@sam")).content.decode()
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
    _remind("manager", {"staff": "@bank"}, 404),  # Bo's bank post in Digital brings no reminder: Finance's managers
    _remind("manager", {"staff": "@bank", "team": "@digital"}, 404),
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
    _remind("other", {"staff": "@bank"}, "reports:team", ("bank",)),
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
    response = client_as(world, persona).post(reverse("reports:team_remind"), data_for(world, data))
    assert_status(response, expected)
    assert sorted(email.to[0] for email in mailoutbox) == sorted(world[key].work_email for key in emailed)
    assert_no_strangers(persona, text_of(response, tmp_path))
