"""Which teams a request may report on: the one permission check every team report and export goes through."""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from portal.people.models import StaffMember, Team, TeamManager
from portal.people.roles import is_hr

# A team's row as the choices read it, in the model's field order (as Team.from_db takes them): what the reports use
# of a team in scope, its id, its path (for the teams below), its depth (the roots) and its name. A Team made from it
# loads any other field only if asked, as `.only()` leaves one. HR's 400 teams read in full were a twentieth of the
# team page's time.
TEAM_FIELDS = ["id", "path", "depth", "name"]
PK, NAME, DEPTH = (TEAM_FIELDS.index(name) for name in ("id", "name", "depth"))


class Choice(NamedTuple):
    """A team `user` may pick, as the team filter lists it: read as values, not as a model instance for each of the
    400 teams HR may choose from; the one chosen becomes a Team (`team`)."""

    pk: int
    name: str
    row: tuple  # the team's fields (TEAM_FIELDS)
    db: str  # the database it was read from

    def team(self) -> Team:
        return Team.from_db(self.db, TEAM_FIELDS, self.row)


def teams_for_request(user, team_id) -> tuple[list[Team], list[Choice]]:
    """(scope, choices): the teams to report on and every team `user` may pick. HR may pick any team; a manager the
    teams they manage and those below; anyone else is refused. A team outside what they may see is a 404, so that
    changing the number in the address reveals nothing."""
    roots, choices = _visible(user)
    if not roots:
        raise PermissionDenied("This page is for managers and HR.")
    if not team_id:
        return [choice.team() for choice in roots], choices
    selected = next((choice for choice in choices if str(choice.pk) == str(team_id)), None)
    if selected is None:
        raise Http404("No such team among yours.")
    return [selected.team()], choices


def _visible(user) -> tuple[list[Choice], list[Choice]]:
    """(roots, choices): the teams at the top of what `user` may see and every team they may pick, in one query of
    the teams rather than one for the roots and another for the teams below them. For HR, every team, the roots
    those at the top; for a manager, the teams at or below one they manage today, the roots those they manage."""
    if is_hr(user):
        teams = Team.objects.order_by("path")
        choices = [Choice(row[PK], row[NAME], row, teams.db) for row in teams.values_list(*TEAM_FIELDS)]
        return [choice for choice in choices if choice.row[DEPTH] == 1], choices
    if not user.is_authenticated:
        return [], []
    roots, choices = [], []
    for team in _managed_and_below(user):
        choices.append(Choice(team.pk, team.name, tuple(getattr(team, name) for name in TEAM_FIELDS), team._state.db))
        if team.managed:
            roots.append(choices[-1])
    return roots, choices


# The teams at or below one the user manages today, each marked `managed` if they manage it: a team they manage
# today is one where `TeamManager.objects.current()` finds them (started on or before today, not yet ended), and a
# team is below it when its path begins with that team's path. Written once as SQL rather than built through the
# ORM each request: building and compiling the ORM's form of it was a sixth of the team page's time, and every team
# report and export asks it. tests/reports/test_scope_managers.py holds it to the ORM's answer.
MANAGED_AND_BELOW = f"""
WITH theirs AS (
    SELECT manager.team_id, managed.path
    FROM {TeamManager._meta.db_table} manager
    JOIN {StaffMember._meta.db_table} staff ON staff.id = manager.staff_id
    JOIN {Team._meta.db_table} managed ON managed.id = manager.team_id
    WHERE staff.user_id = %s AND manager.started_on <= %s AND (manager.ended_on IS NULL OR manager.ended_on > %s)
)
SELECT {", ".join(f"team.{Team._meta.get_field(name).column}" for name in TEAM_FIELDS)},
    EXISTS (SELECT 1 FROM theirs WHERE theirs.team_id = team.id) AS managed
FROM {Team._meta.db_table} team
WHERE EXISTS (SELECT 1 FROM theirs WHERE SUBSTR(team.path, 1, LENGTH(theirs.path)) = theirs.path)
ORDER BY team.path
"""  # noqa: S608 - table and column names from the models; every value is a parameter


def _managed_and_below(user) -> list[Team]:
    today = timezone.localdate()  # a raw query adapts each value for its database, as the ORM does
    return list(Team.objects.raw(MANAGED_AND_BELOW, [user.pk, today, today]))


def scope_label(scope: list[Team]) -> str:
    return ", ".join(team.name for team in scope)
