"""Sessions end after idle time, after their absolute lifetime, and at once when a person's access changes."""

import json
import re
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


# WCAG 2.2.1 (timing adjustable): a signed-in page knows how long its session has left, for the warning before it
# ends (templates/includes/session_timeout.html), and "Stay signed in" starts the idle time again; a session that
# has ended already extends nothing.
KEEP = reverse("session_keep")


def _time_left_on_the_page(client) -> tuple[int, bool]:
    """The seconds left, and whether their end is the session's lifetime's (which staying signed in cannot put off)."""
    html = client.get(PAGE).content.decode()
    found = re.search(r'id="session-timeout"[^>]* data-seconds-left="(\d+)"( data-final)?', html)
    return int(found.group(1)), bool(found.group(2))


def test_a_signed_in_page_says_how_long_its_session_has_left(member, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 30
    client = _signed_in(member)
    _shift(client, sessions.SEEN, 25 * 60)
    seconds, final = _time_left_on_the_page(client)
    # Asking for the page was activity itself: the full 30 minutes, not the 5 left before it. Whole seconds, read at
    # the request's start and again as the page is written, so a second may tick over between the two.
    assert 30 * 60 - 1 <= seconds <= 30 * 60 and not final


def test_the_end_of_the_sessions_lifetime_comes_first_when_it_is_sooner(member, settings):
    settings.PORTAL_SESSION_MAX_HOURS = 10
    client = _signed_in(member)
    _shift(client, sessions.STARTED, 10 * 3600 - 5 * 60)
    seconds, final = _time_left_on_the_page(client)
    assert 4 * 60 <= seconds <= 5 * 60 and final
    response = json.loads(client.post(KEEP).content)  # staying signed in cannot put it off
    assert 4 * 60 <= response["seconds_left"] <= 5 * 60 and response["final"]


def test_staying_signed_in_starts_the_idle_time_again(member, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 30
    client = _signed_in(member)
    _shift(client, sessions.SEEN, 29 * 60)

    response = client.post(KEEP)

    assert response.status_code == 200
    assert json.loads(response.content) == {"seconds_left": 30 * 60, "final": False}
    _shift(client, sessions.SEEN, 29 * 60)
    assert client.get(PAGE).status_code == 200  # 29 minutes after staying, 58 after the last page


def test_staying_signed_in_after_the_session_ended_extends_nothing(member, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 30
    client = _signed_in(member)
    _shift(client, sessions.SEEN, 31 * 60)
    assert _signed_out(client.post(KEEP))
    assert "_auth_user_id" not in client.session


def test_staying_signed_in_is_a_post_and_a_signed_out_page_has_no_warning(member):
    assert _signed_in(member).get(KEEP).status_code == 405
    assert 'id="session-timeout"' not in Client().get(reverse("account_login")).content.decode()
