"""The read endpoints, with a client of each scope, a client limited to another team, and as at a date. Each read is
audited with the client and what it read, and runs a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import ledger
from portal.people.models import StaffChange
from tests import factories
from tests.dbrole import as_owner

from .conftest import SCOPES

ENDPOINTS = {
    "person": ("/api/v1/people/{sam}/standing", "standing"),
    "team": ("/api/v1/teams/{comms}/standing", "standing"),
    "organisation": ("/api/v1/organisation/figures", "standing"),
    "ledger": ("/api/v1/ledger/entries", "ledger"),
}


def _path(org, name):
    return ENDPOINTS[name][0].format(sam=org["people"]["sam"].employee_number, comms=org["teams"]["comms"].code)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", SCOPES)
def test_each_read_is_open_only_to_a_client_with_its_scope(api, org, endpoint, who):
    response = api("get", _path(org, endpoint), who)
    if who == ENDPOINTS[endpoint][1]:
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 403
        assert response.json()["code"] == "scope_missing"
        assert AuditEvent.objects.filter(action=AuditEvent.REFUSED, detail__api_client=org["clients"][who].pk).exists()


def test_a_persons_standing(api, org):
    sam, fire = org["people"]["sam"], org["fire"]
    factories.make_completion(sam, fire, completed_at=timezone.now() - datetime.timedelta(days=30))
    body = api("get", _path(org, "person"), "standing").json()
    assert body["employee_number"] == sam.employee_number and body["name"] == "Sam Person"
    assert body["team"] == {"code": org["teams"]["comms"].code, "name": "Communications"}
    assert body["live"] is True
    [line] = body["requirements"]
    assert line["requirement"] == {"id": fire.pk, "name": "Fire safety"}
    assert line["state"] == "compliant" and line["label"] == "Compliant"
    assert line["completed_on"] == (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    event = AuditEvent.objects.get(action=AuditEvent.VIEW_PERSON)
    assert event.actor_name == org["clients"]["standing"].audit_name and event.scope == "Sam Person"
    assert event.detail["api_scope"] == "read_standing" and event.detail["staff_id"] == sam.pk


def _roster_recorded_days_ago(days: int) -> None:
    """The people's roster rows as if recorded `days` ago (the fixture made them just now)."""
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=timezone.now() - datetime.timedelta(days=days))


def test_a_persons_standing_as_at_a_date_before_their_completion(api, org):
    _roster_recorded_days_ago(10)
    factories.make_completion(org["people"]["sam"], org["fire"])
    yesterday = timezone.localdate() - datetime.timedelta(days=2)
    body = api("get", _path(org, "person"), "standing", {"as_at": yesterday.isoformat()}).json()
    assert body["live"] is False and body["as_at"] == yesterday.isoformat()
    assert body["requirements"][0]["state"] == "overdue"  # what was recorded by the end of that day
    assert AuditEvent.objects.get(action=AuditEvent.VIEW_PERSON).as_at == yesterday


@pytest.mark.parametrize(
    ("as_at", "message"),
    [("2999-01-01", "must be today or in the past"), ("1999-12-31", "on or after"), ("2026-02-30", "valid date")],
)
def test_an_as_at_that_cannot_be_answered_names_the_parameter(api, org, as_at, message):
    response = api("get", _path(org, "team"), "standing", {"as_at": as_at})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request" and message in body["detail"]
    assert body["errors"][0]["field"] == "as_at"


def test_a_client_limited_to_a_team_sees_no_one_outside_it(api, org):
    assert api("get", _path(org, "person"), "finance").json()["code"] == "not_found"
    assert api("get", _path(org, "team"), "finance").status_code == 404
    refused = AuditEvent.objects.filter(action=AuditEvent.REFUSED, detail__api_client=org["clients"]["finance"].pk)
    assert refused.filter(detail__why="not_found", detail__status=404).count() == 2
    fay = org["people"]["fay"]
    assert api("get", f"/api/v1/people/{fay.employee_number}/standing", "finance").status_code == 200
    response = api("get", "/api/v1/organisation/figures", "finance", {"team": org["teams"]["comms"].code})
    assert response.status_code == 404
    body = api("get", "/api/v1/organisation/figures", "finance").json()
    assert body["team"]["name"] == "Finance" and body["overall"]["required"] == 2  # Fay and Hana
    # A missing person and someone else's are the same answer: nothing about people outside the team leaks
    missing = api("get", "/api/v1/people/E9999999/standing", "finance").json()
    outside = api("get", _path(org, "person"), "finance").json()
    assert missing["detail"].replace("E9999999", "X") == outside["detail"].replace(
        org["people"]["sam"].employee_number, "X"
    )


def test_a_teams_standing_lists_its_people_and_figures(api, org):
    factories.make_completion(org["people"]["kim"], org["fire"])
    body = api("get", _path(org, "team"), "standing").json()
    assert [p["name"] for p in body["people"]] == ["Kim Colleague", "Sam Person"]
    assert [r["state"] for p in body["people"] for r in p["requirements"]] == ["compliant", "overdue"]
    [figure] = body["requirements"]
    assert (figure["required"], figure["compliant"], figure["overdue"], figure["percent"]) == (2, 1, 1, 50)
    assert figure["counts"]["compliant"] == 1 and figure["counts"]["overdue"] == 1
    assert AuditEvent.objects.get(action=AuditEvent.VIEW_TEAM).scope == "Communications"


def test_the_organisations_figures_live_and_as_at_on_both_clocks(api, org):
    # Kim did the course ten days ago; it is recorded only now (imported late).
    factories.make_completion(
        org["people"]["kim"], org["fire"], completed_at=timezone.now() - datetime.timedelta(days=10)
    )
    live = api("get", "/api/v1/organisation/figures", "standing").json()
    assert live["team"]["name"] == "Organisation" and live["live"] is True and live["basis"] is None
    [line] = live["requirements"]
    assert (line["required"], line["compliant"]) == (4, 1)
    assert line["furthest_below_target"] is not None
    assert {t["team"]["name"] for t in live["teams"]} == {"Communications", "Finance"}
    _roster_recorded_days_ago(30)
    day = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    figures = {}
    for basis in ("as_it_was", "as_recorded"):
        body = api("get", "/api/v1/organisation/figures", "standing", {"as_at": day, "basis": basis}).json()
        assert body["live"] is False and body["basis"] == basis
        figures[basis] = (body["requirements"][0]["required"], body["requirements"][0]["compliant"])
    assert figures == {"as_it_was": (4, 1), "as_recorded": (4, 0)}  # the late completion counts only as it was
    default = api("get", "/api/v1/organisation/figures", "standing", {"as_at": day}).json()
    assert default["basis"] == "as_it_was"  # as HR's report opens
    wrong = api("get", "/api/v1/organisation/figures", "standing", {"as_at": day, "basis": "tomorrow"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "basis"


def test_the_ledger_after_a_sequence_number_lets_an_archive_check_the_chain(api, org):
    for person in ("sam", "kim", "fay"):
        factories.make_completion(org["people"][person], org["fire"])
    first = api("get", "/api/v1/ledger/entries", "ledger", {"after": 0, "limit": 2}).json()
    assert [e["seq"] for e in first["entries"]] == [1, 2] and first["next_after"] == 2 and first["head_seq"] == 3
    rest = api("get", "/api/v1/ledger/entries", "ledger", {"after": first["next_after"]}).json()
    assert [e["seq"] for e in rest["entries"]] == [3] and rest["head_hash"] == ledger.head_hash()
    previous = ledger.GENESIS_HASH
    for entry in first["entries"] + rest["entries"]:  # what an archive does with them, with no database
        assert entry["content"]["prev_hash"] == previous
        assert entry["content_hash"] == _hash(entry["content"])  # recomputed from the content alone
        previous = entry["content_hash"]
    event = AuditEvent.objects.filter(action=AuditEvent.EXPORT).first()
    assert event.scope == "Ledger entries after #2" and event.detail["count"] == 1
    empty = api("get", "/api/v1/ledger/entries", "ledger", {"after": 3}).json()
    assert empty["entries"] == [] and empty["next_after"] == 3


def _hash(content: dict) -> str:
    import hashlib
    import json

    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@pytest.mark.parametrize(
    ("query", "field"), [({"limit": 0}, "limit"), ({"limit": 5000}, "limit"), ({"after": -1}, "after")]
)
def test_ledger_paging_out_of_bounds_names_the_parameter(api, org, query, field):
    response = api("get", "/api/v1/ledger/entries", "ledger", query)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == field


def _count(api, path, who, **query):
    with CaptureQueriesContext(connection) as queries:
        assert api("get", path, who, query).status_code == 200
    return len(queries)


def _more_people(org, count):
    for n in range(count):
        person = factories.make_staff(team=org["teams"]["comms"], first_name="Extra", last_name=f"Person {n}")
        factories.make_completion(person, org["fire"])


@pytest.mark.parametrize("endpoint", ["team", "organisation", "ledger"])
def test_list_endpoints_run_the_same_number_of_queries_whatever_their_size(api, org, endpoint):
    who = ENDPOINTS[endpoint][1]
    api("get", _path(org, endpoint), who)  # the client's first call also notes when it was last used
    small = _count(api, _path(org, endpoint), who)
    _more_people(org, 15)
    assert _count(api, _path(org, endpoint), who) == small


def test_query_counts_pinned(api, org):
    """The client and the audit line (and the last-used time on a client's first call in a minute), then the read."""
    factories.make_completion(org["people"]["sam"], org["fire"])
    for who in ("standing", "ledger"):  # their first calls: last_used_at is set once a minute at most
        api("get", _path(org, "organisation" if who == "standing" else "ledger"), who)
    # team: the team by its code; the requirements; the people with their status rows
    assert _count(api, _path(org, "team"), "standing") == 2 + 3
    # organisation: the root team, the requirements, the figures, the teams named
    assert _count(api, _path(org, "organisation"), "standing") == 2 + 4
    # ledger: the entries, the head
    assert _count(api, _path(org, "ledger"), "ledger") == 2 + 2
