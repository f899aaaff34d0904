"""Sessions end after idle time, after their absolute lifetime, and at once when a person's access changes."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from portal.accounts import sessions
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories

PAGE = reverse("reports:my_training")


@pytest.fixture
def member(db):
    return factories.make_staff(team=factories.make_team("Ward", kind="organisation"))


def _signed_in(staff):
    client = Client()
    factories.sign_in(client, staff.user)
    assert client.get(PAGE).status_code == 200
    return client


def _shift(client, key, seconds):
    session = client.session
    session[key] -= seconds
    session.save()


def _signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_session_ends_after_the_idle_time(member, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 30
    client = _signed_in(member)
    _shift(client, sessions.SEEN, 29 * 60)
    assert client.get(PAGE).status_code == 200
    _shift(client, sessions.SEEN, 31 * 60)
    response = client.get(PAGE)
    assert _signed_out(response)
    assert "after 30 minutes without activity" in client.get(response["Location"]).content.decode()


def test_a_session_ends_after_its_absolute_lifetime_however_busy(member, settings):
    settings.PORTAL_SESSION_MAX_HOURS = 10
    client = _signed_in(member)
    _shift(client, sessions.STARTED, 9 * 3600)
    assert client.get(PAGE).status_code == 200
    _shift(client, sessions.STARTED, 2 * 3600)
    assert _signed_out(client.get(PAGE))


def test_every_session_ends_when_a_person_is_given_a_role(member):
    laptop, phone = _signed_in(member), _signed_in(member)
    member.user.groups.add(hr_group())
    for client in (laptop, phone):
        _shift(client, sessions.SEEN, sessions.CHECK_EVERY)  # the next check is due
        assert _signed_out(client.get(PAGE))
    assert _signed_in(member)  # signing in again works, with the new role


def test_sessions_end_when_a_person_stops_managing_a_team(member):
    link = TeamManager.objects.create(staff=member, team=member.team)
    client = _signed_in(member)
    link.delete()
    _shift(client, sessions.SEEN, sessions.CHECK_EVERY)
    assert _signed_out(client.get(PAGE))


def test_a_leaver_is_signed_out_the_day_after_their_last_day(member):
    import datetime

    from django.utils import timezone

    client = _signed_in(member)
    member.leave_date = timezone.localdate() + datetime.timedelta(days=1)
    member.save()
    _shift(client, sessions.SEEN, sessions.CHECK_EVERY)
    assert client.get(PAGE).status_code == 200  # leaving tomorrow: still here today
    member.leave_date = timezone.localdate()
    member.save()
    _shift(client, sessions.SEEN, sessions.CHECK_EVERY)
    assert client.get(PAGE).status_code == 200  # today is their last day of service: still here
    member.leave_date = timezone.localdate() - datetime.timedelta(days=1)
    member.save()
    _shift(client, sessions.SEEN, sessions.CHECK_EVERY)
    assert _signed_out(client.get(PAGE))


def test_the_checks_read_the_database_at_most_once_a_minute(member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _signed_in(member)

    def queries_with_last_check(seconds_ago):
        session = client.session
        session[sessions.SEEN] = int(time.time()) - seconds_ago
        session.save()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    recent, due = queries_with_last_check(5), queries_with_last_check(sessions.CHECK_EVERY)
    assert not [sql for sql in recent if "session_epoch" in sql and "leave_date" in sql]
    assert len([sql for sql in due if "session_epoch" in sql and "leave_date" in sql]) == 1
    assert len(due) > len(recent)


def test_a_role_change_ends_the_session_at_its_very_next_request(member):
    """No once-a-minute grace: a session that signed in as plain staff never acts with a role granted since, even
    with a second factor it proved as staff (the epoch is on the person's row, read on every request)."""
    factories.with_mfa(member.user)
    client = _signed_in(member)
    member.user.groups.add(hr_group())
    assert _signed_out(client.get(reverse("hr_reports:organisation")))
