"""Finding the team a roster row names (`RosterTeams`): by Organisation Code, else by name."""

import datetime
from collections import defaultdict

from django.urls import reverse

from portal.lib.csvfiles import name_value, quoted

from ..models import Team
from .numbers import code_twin, code_twins, zero_twin_error


class RosterTeams:
    """Every team (one query), to find the team a roster row names as the import does: by Organisation Code, else by
    name (any case). A name more than one team has is found only if just one of those teams can take the row (is
    open, or closed no earlier than the row's leave date); otherwise the row must give the code."""

    def __init__(self, teams):
        self.by_pk = {team.pk: team for team in teams}
        self.by_code = {team.code.lower(): team for team in self.by_pk.values()}
        self.by_path = {team.path: team for team in self.by_pk.values()}
        self.by_name = defaultdict(list)
        for team in self.by_pk.values():
            self.by_name[name_value(team.name).lower()].append(team)  # as a file's names are read
        self.twins = code_twins(self.by_code)

    @classmethod
    def load(cls) -> "RosterTeams":
        return cls(Team.objects.all())

    def find(self, code: str, name: str, *, leave_date: datetime.date | None = None) -> tuple[Team | None, str]:
        """The team a row with this Organisation Code and Organisation (either may be "") goes in, and "", or None
        and what is wrong, to follow "Line N: ". Whether the team is closed to this row is for the caller to say."""
        team = self.by_code.get(code.lower())
        if team is not None:
            return team, ""
        named = self.by_name.get(name_value(name).lower(), [])
        if len(named) > 1:
            open_to_row = [t for t in named if not t.closed_on or (leave_date and leave_date <= t.closed_on)]
            named = open_to_row if len(open_to_row) == 1 else named
        if len(named) == 1:
            return named[0], ""
        if named:
            places = ", ".join(sorted(self._place(t) for t in named))
            return None, f"More than one team is called '{name}' ({places}): give the Organisation Code"
        if not (code or name):
            return None, "No team is given"
        twin = code_twin(code.lower(), self.twins)
        if twin is not None:
            return None, zero_twin_error(code, self.by_code[twin].code, "Organisation Code")
        return None, (
            f"Team '{quoted(code or name)}' is not a known team: import the organisation's teams "
            f"({reverse('imports:upload', args=['organisation'])}) or add it on the Organisation page "
            f"({reverse('organisation:teams')}) first, or correct the Organisation Code"
        )

    def _place(self, team: Team) -> str:
        """The team under its parent, as the Organisation page shows the tree: Operations › Payroll."""
        parent = self.by_path.get(team.path[: -Team.steplen])
        return f"{parent.name} › {team.name}" if parent else team.name
