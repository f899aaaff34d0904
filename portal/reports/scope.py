"""Which teams a request may report on: the one permission check every team report and export goes through."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.http import Http404

from portal.people.models import Team, TeamManager
from portal.people.roles import is_hr


def teams_for_request(user, team_id) -> tuple[list[Team], list[Team]]:
    """(scope, choices): the teams to report on and every team `user` may pick. HR may pick any team; a manager the
    teams they manage and those below; anyone else is refused. A team outside what they may see is a 404, so that
    changing the number in the address reveals nothing."""
    roots, choices = _visible(user)
    if not roots:
        raise PermissionDenied("This page is for managers and HR.")
    if not team_id:
        return roots, choices
    selected = next((team for team in choices if str(team.pk) == str(team_id)), None)
    if selected is None:
        raise Http404("No such team among yours.")
    return [selected], choices


def _visible(user) -> tuple[list[Team], list[Team]]:
    """(roots, choices): the teams at the top of what `user` may see and every team they may pick, in one query of
    the teams rather than one for the roots and another for the teams below them. For HR, every team, the roots
    those at the top; for a manager, the teams at or below one they manage today, the roots those they manage."""
    if is_hr(user):
        choices = list(Team.objects.order_by("path"))
        return [team for team in choices if team.depth == 1], choices
    if not user.is_authenticated:
        return [], []
    theirs = TeamManager.objects.current().filter(staff__user=user)
    # A team they manage whose path begins this team's path: this team, or one above it.
    above = theirs.filter(team__path=Substr(OuterRef("path"), 1, Length("team__path")))
    choices = list(
        Team.objects.annotate(managed=Exists(theirs.filter(team=OuterRef("pk")))).filter(Exists(above)).order_by("path")
    )
    return [team for team in choices if team.managed], choices


def scope_label(scope: list[Team]) -> str:
    return ", ".join(team.name for team in scope)
