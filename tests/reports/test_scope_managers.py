"""The teams a manager may report on, as `reports.scope` reads them in one SQL statement, are the teams the ORM's own
rules give: managers `TeamManager.objects.current()` finds today (started on or before today, not yet ended), and
every team whose path begins with one of theirs. Start and end dates on each side of today, nested teams, a second
manager of the same team, and someone whose manager row belongs to another person's sign-in."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from portal.people.models import Team, TeamManager
from portal.people.roles import hr_group
from portal.reports.scope import teams_for_request
from tests import factories

DAY = datetime.timedelta(days=1)


def _expected(user) -> tuple[list[int], list[int]]:
    """(roots, choices) by the ORM: the teams they manage today, and every team at or below one of them."""
    managed = TeamManager.objects.current().filter(staff__user=user).values_list("team_id", "team__path")
    below = Q(pk__in=[])
    for _, path in managed:
        below |= Q(path__startswith=path)
    ids = {team_id for team_id, _ in managed}
    choices = list(Team.objects.filter(below).order_by("path").values_list("pk", flat=True))
    return [pk for pk in choices if pk in ids], choices


def _manage(staff, team, started_on=None, ended_on=None):
    today = timezone.localdate()
    started_on = started_on or today - 30 * DAY
    TeamManager.objects.create(staff=staff, team=team, started_on=started_on, ended_on=ended_on)


@pytest.fixture
def trust(db):
    trust = factories.make_team("Trust", kind="organisation")
    medicine = factories.make_team("Medicine", parent=trust)
    surgery = factories.make_team("Surgery", parent=trust)
    teams = {
        "trust": trust,
        "medicine": medicine,
        "ward 1": factories.make_team("Ward 1", parent=medicine),
        "ward 2": factories.make_team("Ward 2", parent=medicine),
        "surgery": surgery,
        "theatres": factories.make_team("Theatres", parent=surgery),
    }
    teams["bay"] = factories.make_team("Bay A", parent=teams["ward 1"])
    return {name: Team.objects.get(pk=team.pk) for name, team in teams.items()}


def _person(trust, name):
    return factories.make_staff(user=factories.make_user(first_name=name), team=trust["trust"], first_name=name)


def test_each_manager_sees_what_the_orm_rules_give(trust):
    today = timezone.localdate()
    matron = _person(trust, "Mo")  # two teams, one inside the other, and an ended and a future row elsewhere
    _manage(matron, trust["medicine"])
    _manage(matron, trust["ward 1"], started_on=today)
    _manage(matron, trust["surgery"], ended_on=today)  # the first day they no longer manage it
    _manage(matron, trust["theatres"], started_on=today + DAY)
    deputy = _person(trust, "Dee")  # a second manager of a team, until tomorrow
    _manage(deputy, trust["ward 1"], ended_on=today + DAY)
    lead = _person(trust, "Lee")  # the whole organisation
    _manage(lead, trust["trust"], started_on=today - 400 * DAY)

    for person, roots, choices in (
        (matron, ["medicine", "ward 1"], ["medicine", "ward 1", "bay", "ward 2"]),
        (deputy, ["ward 1"], ["ward 1", "bay"]),
        (lead, ["trust"], ["trust", "medicine", "ward 1", "bay", "ward 2", "surgery", "theatres"]),
    ):
        scope, picked = teams_for_request(person.user, "")
        expected_roots, expected_choices = _expected(person.user)
        assert [team.pk for team in scope] == expected_roots == [trust[name].pk for name in roots]
        assert [choice.pk for choice in picked] == expected_choices == [trust[name].pk for name in choices]
        assert [choice.name for choice in picked] == [trust[name].name for name in choices]


@pytest.mark.parametrize("hr", [False, True], ids=["manager", "HR"])
def test_the_chosen_team_carries_what_reports_read_and_the_rest_on_asking(trust, hr):
    user = _person(trust, "Mo").user
    if hr:
        user.groups.add(hr_group())  # outside a request the role counts (User.privileges_proven)
    else:
        _manage(user.staff, trust["medicine"])
    ward = trust["ward 1"]
    [chosen] = teams_for_request(user, str(ward.pk))[0]
    assert (chosen.pk, chosen.path, chosen.depth, chosen.name) == (ward.pk, ward.path, 3, "Ward 1")
    assert chosen.get_deferred_fields() == {"numchild", "code", "kind", "closed_on"}
    assert (chosen.code, chosen.kind, chosen.closed_on) == (ward.code, ward.kind, None)  # each read when asked
    assert chosen.get_parent() == trust["medicine"]


# Days from today, read in the test: read when the file was imported, a run going past midnight asked about
# other days.
@pytest.mark.parametrize(
    ("starts", "ends"), [(1, None), (-30, 0), (-30, -1)], ids=["starts tomorrow", "ended today", "ended yesterday"]
)
def test_someone_who_manages_nothing_today_is_refused(trust, starts, ends):
    today = timezone.localdate()
    started_on, ended_on = today + starts * DAY, None if ends is None else today + ends * DAY
    manager = _person(trust, "Mo")
    _manage(manager, trust["medicine"], started_on=started_on, ended_on=ended_on)
    assert _expected(manager.user) == ([], [])
    with pytest.raises(PermissionDenied):
        teams_for_request(manager.user, "")


def test_another_persons_manager_row_gives_nothing(trust):
    manager, colleague = _person(trust, "Mo"), _person(trust, "Cal")
    _manage(manager, trust["medicine"])
    with pytest.raises(PermissionDenied):
        teams_for_request(colleague.user, "")
    with pytest.raises(PermissionDenied):
        teams_for_request(factories.make_user(first_name="Nobody"), "")
