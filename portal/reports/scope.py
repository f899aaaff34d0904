"""Which teams a request may report on: the one permission check every team report and export goes through."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.people.models import Team

from .team import team_choices, teams_visible_to


def teams_for_request(user, team_id) -> tuple[list[Team], list[Team]]:
    """(scope, choices): the teams to report on and every team `user` may pick. HR may pick any team; a manager the
    teams they manage and those below; anyone else is refused. A team outside what they may see is a 404, so that
    changing the number in the address reveals nothing."""
    roots = teams_visible_to(user)
    if not roots:
        raise PermissionDenied("This page is for managers and HR.")
    choices = team_choices(roots)
    if not team_id:
        return roots, choices
    selected = next((team for team in choices if str(team.pk) == str(team_id)), None)
    if selected is None:
        raise Http404("No such team among yours.")
    return [selected], choices


def scope_label(scope: list[Team]) -> str:
    return ", ".join(team.name for team in scope)
