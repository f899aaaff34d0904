"""Every report page and export runs the same number of queries whatever the size of the organisation: each is
measured with a small organisation and again with more teams, people and evidence, and must not change."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.compliance.projection import refresh
from portal.people.models import StaffChange
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for


def _grow(org, people: int):
    requirement = org["sam"].statuses.get().requirement
    for n in range(people):
        team = factories.make_team(f"Ward {n}", parent=org["comms"] if n % 2 else org["finance"])
        member = factories.make_staff(team=team)
        if n % 3:
            factories.make_completion(member, requirement)
    refresh()
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=10))


def _count(client, url, **query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured.captured_queries)


PAGES = [
    ("hr", "hr_reports:organisation", {}),
    ("hr", "hr_reports:organisation", {"as_at": "past"}),
    ("hr", "hr_reports:trend", {}),
    ("hr", "hr_reports:lists", {}),
    ("hr", "hr_reports:audit_log", {}),
    ("manager", "reports:team", {}),
    ("manager", "reports:team", {"as_at": "past"}),
    ("manager", "reports:team", {"as_at": "past", "basis": "as_recorded"}),
    ("manager", "exports:csv", {}),
    ("manager", "exports:csv", {"as_at": "past"}),
    ("manager", "exports:xlsx", {}),
]


@pytest.mark.parametrize(
    ("who", "name", "query"),
    PAGES,
    ids=[f"{n}{'-as-at' if q else ''}{'-' + q['basis'] if 'basis' in q else ''}" for _, n, q in PAGES],
)
def test_queries_do_not_grow_with_the_organisation(org, hr, who, name, query):
    client = client_for(hr if who == "hr" else org["manager"])
    past = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    query = {k: past if v == "past" else v for k, v in query.items()}
    url = reverse(name)
    _count(client, url, **query)  # the first time fills anything kept (a past day's figures)
    small = _count(client, url, **query)
    _grow(org, 12)
    _count(client, url, **query)
    assert _count(client, url, **query) == small


def test_a_persons_page_runs_the_same_queries_however_long_their_history(org):
    client = client_for(org["manager"])
    url = reverse("reports:team_person", args=[org["sam"].pk])
    small = _count(client, url)
    requirement = org["sam"].statuses.get().requirement
    for days in range(5):
        factories.make_completion(org["sam"], requirement, completed_at=timezone.now() - datetime.timedelta(days=days))
    assert _count(client, url) == small
