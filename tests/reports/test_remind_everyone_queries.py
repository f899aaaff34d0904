""" "Remind everyone overdue" sends inside the web request, so what each person costs is pinned: the same number of
queries for each person reminded, whatever the number, and nothing read again per person beyond their own lines and
the claim that makes their email once a day, marked sent once it went."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from tests import factories
from tests.reports.conftest import client_for

URL = reverse("reports:team_remind")


def remind_everyone(manager, team) -> int:
    """The queries run by the manager's "Remind everyone overdue" for `team`."""
    client = client_for(manager)
    with CaptureQueriesContext(connection) as captured:
        assert client.post(URL, {"team": team.pk}).status_code == 302
    return len(captured.captured_queries)


@pytest.mark.parametrize("more", [1, 3])
def test_each_person_reminded_costs_the_same_queries(org, mailoutbox, more):
    """Sam in Digital is overdue; `more` others join him. The difference in queries per person is their lines (one
    query), the claim of their email (a savepoint, the insert and its release) and the claim marked sent once the
    email went (test_reminders_claim_left_unsent)."""
    one = remind_everyone(org["manager"], org["digital"])
    assert len(mailoutbox) == 1
    for _ in range(more):
        factories.make_staff(team=org["digital"])
    refresh()
    mailoutbox.clear()
    ReminderLog.objects.all().delete()  # each reminded again, as on another day
    many = remind_everyone(org["manager"], org["digital"])
    assert len(mailoutbox) == 1 + more
    assert many - one == 5 * more
