"""Which teams a request may report on: the one permission check every team report and export goes through."""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.http import Http404

from portal.people.models import Team, TeamManager
from portal.people.roles import is_hr

# A team's row as the choices read it: every field of a Team, in the order Team.from_db takes them.
TEAM_FIELDS = [field.attname for field in Team._meta.concrete_fields]
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
    theirs = TeamManager.objects.current().filter(staff__user=user)
    # A team they manage whose path begins this team's path: this team, or one above it.
    above = theirs.filter(team__path=Substr(OuterRef("path"), 1, Length("team__path")))
    teams = (
        Team.objects.annotate(managed=Exists(theirs.filter(team=OuterRef("pk")))).filter(Exists(above)).order_by("path")
    )
    roots, choices = [], []
    for *row, managed in teams.values_list(*TEAM_FIELDS, "managed"):
        choices.append(Choice(row[PK], row[NAME], tuple(row), teams.db))
        if managed:
            roots.append(choices[-1])
    return roots, choices


def scope_label(scope: list[Team]) -> str:
    return ", ".join(team.name for team in scope)
