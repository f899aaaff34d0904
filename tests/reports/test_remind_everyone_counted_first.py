""" "Remind everyone overdue" counts the people it would remind in SQL before it refuses more than it may send
(`reports.team_listed.overdue_to_remind`): HR pressing it with no team chosen, the whole organisation, is refused
without anyone being judged in Python, with the same page as before; the people it counts are the team page's overdue
people, the person pressing it aside, on every boundary of `status.state_on`."""

import pytest
from django.urls import reverse

from portal.compliance import status
from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.reports import views_team
from portal.reports.team import team_matrix
from portal.reports.team_listed import overdue_to_remind
from tests import factories
from tests.reports.conftest import client_for
from tests.reports.test_team_listed import boundary_grid, trust  # noqa: F401 - trust is a fixture

URL = reverse("reports:team_remind")


def test_past_the_cap_it_is_refused_before_anyone_is_judged(org, hr, monkeypatch, mailoutbox):
    monkeypatch.setattr(views_team, "REMIND_EVERYONE_MAX", 2)
    judged = []
    real_state_on = status.state_on
    monkeypatch.setattr(status, "state_on", lambda *args, **kwargs: judged.append(args) or real_state_on(*args))
    response = client_for(hr).post(URL, {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "No reminder was sent: 4 people are overdue in the teams shown" in page  # Grace, Felix, Sam and Fay
    assert "this page reminds at most 2" in page
    assert judged == [] and mailoutbox == [] and not ReminderLog.objects.exists()


def test_refusing_is_one_query_however_many_are_overdue(org, hr, django_assert_num_queries):
    scope = [org["comms"].get_parent()]
    with django_assert_num_queries(1):
        assert overdue_to_remind(scope, hr.user, 2)[0] == 4
    for n in range(10):
        factories.make_staff(team=org["finance"], first_name=f"Late{n}")
    refresh()
    with django_assert_num_queries(1):
        count, ids = overdue_to_remind(scope, hr.user, 2)
    assert count == 15 and len(ids) == 2  # HR, in Finance, is overdue now too: counted, as the page counts her


def _overdue_in_python(scope, user) -> list[int]:
    """What the view reminded before: the team page's overdue people, the person pressing it aside."""
    return sorted(p.pk for p in team_matrix(scope).overdue_people if p.user_id != user.pk)


def _overdue_on_the_page(scope) -> int:
    """How many people the team page says are overdue, whoever looks at it."""
    return team_matrix(scope).overdue_count


@pytest.mark.parametrize("names", [["trust"], ["medicine"], ["ward"], ["ward", "surgery"]])
def test_it_counts_whom_the_page_shows_overdue(trust, names):  # noqa: F811 - the fixture
    """A varied organisation (leavers, starters, pauses, a retired requirement, one for nurses only), each person in
    turn the one pressing it."""
    scope = [trust[name] for name in names]
    everyone = [person for person, _ in team_matrix([trust["trust"]]).people]
    assert any(p.pk in _overdue_in_python(scope, factories.make_user()) for p in everyone)
    for person in everyone:
        user = type("User", (), {"pk": person.user_id})
        count, ids = overdue_to_remind(scope, user, 1000)
        assert (count, ids) == (_overdue_on_the_page(scope), _overdue_in_python(scope, user)), person


def test_on_every_boundary_of_the_state_it_counts_the_overdue(db):
    team, nobody = boundary_grid(), factories.make_user()
    expected = _overdue_in_python([team], nobody)
    assert 1 < len(expected) < team.staff.count()
    assert (
        overdue_to_remind([team], nobody, 1000) == (_overdue_on_the_page([team]), expected) == (len(expected), expected)
    )
