"""Which teams and people a request may report on: the one permission check every team report, person's page,
export and evidence pack goes through.

A manager's rights are today's appointments (the `TeamManager` rows in force today): someone who no longer manages a
team sees it no more, and one appointed today may see their team's past, which a handover needs. About a past day D
they are applied to the tree and the roster as they were on D, on the clock the report reads (`day_tree`): the teams
a manager may choose are those that in D's tree were at or below a team they manage today, and a person's page as at
D opens exactly when the person is on the manager's team page for D (`person_for_request`). HR sees everyone; anyone
sees themselves. Live (no day), the tree and the roster are today's.

A second post (people.Assignment in another team) opens its holder's page, live only and read-only, to the managers
of that post's team, as the team page lists them there (`reports.posts`); no team report, export, pack, reminder or
API read counts or reaches them through it (docs/two-clocks.md, "A second post")."""

import datetime
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.compliance.asat import Moment, roster_as_at
from portal.people.models import Assignment, StaffMember, Team, TeamManager
from portal.people.roles import is_hr, staff_list_for_user, staff_list_posted_for_user
from portal.people.team_history import Tree, tree_on

from .basis import AS_IT_WAS
from .team import roster_team_as_it_was

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


def day_tree(day: datetime.date, basis: str) -> Tree:
    """The tree as it stood on `day` on the clock `basis` names, as the reports about that day read it: as it was,
    from everything known now; as recorded then, from what was recorded by the end of the day (one query)."""
    return tree_on(day) if basis == AS_IT_WAS else tree_on(day, recorded_before=Moment.end_of(day).cutoff)


def teams_for_request(user, team_id, tree: Tree | None = None) -> tuple[list[Team], list[Choice]]:
    """(scope, choices): the teams to report on and every team `user` may pick. HR may pick any team; a manager the
    teams they manage today and those below (about a past day, below them in that day's `tree`: `day_tree`); anyone
    else is refused. A team outside what they may see is a 404, so that changing the number in the address reveals
    nothing."""
    roots, choices = _visible(user, tree) if tree is None or is_hr(user) else _visible_on(user, tree)
    if roots is None:
        raise PermissionDenied("This page is for managers and HR.")
    if not team_id:
        return [_as_then(choice, tree) for choice in roots], choices
    selected = next((choice for choice in choices if str(choice.pk) == str(team_id)), None)
    if selected is None:
        raise Http404("No such team among yours.")
    return [_as_then(selected, tree)], choices


def _as_then(choice: Choice, tree: Tree | None) -> Team:
    """The team chosen, as `tree` (a past day's) has it: its name and code then, so that what is made about that day
    (a file's name, the audit log's entry) names it as the report does; today's, live or if it was not there then."""
    return tree.team(choice.pk) if tree is not None and choice.pk in tree else choice.team()


def teams_on(user, team_id, day: datetime.date | None, basis: str) -> tuple[list[Team], list[Choice]]:
    """`teams_for_request` about `day` on the clock `basis` (None: live), for a door that does not read the day's
    tree itself (an export, a pack): one query more about a day, for the day's tree, which names the teams as they
    were then."""
    tree = day_tree(day, basis) if day is not None else None
    return teams_for_request(user, team_id, tree)


def past_day(day: datetime.date | None) -> datetime.date | None:
    """`day` if it is before today, else None: an evidence pack about today is scoped as the live pages are."""
    return day if day is not None and day < timezone.localdate() else None


def _visible(user, tree: Tree | None = None) -> tuple[list[Choice] | None, list[Choice]]:
    """(roots, choices): the teams at the top of what `user` may see and every team they may pick, in one query of
    the teams rather than one for the roots and another for the teams below them. For HR, every team, the roots
    those at the top, each named as `tree` (a past day's, the report's) names it when it has the team; for a
    manager, the teams at or below one they manage today, the roots those they manage."""
    if is_hr(user):
        teams = Team.objects.order_by("path")
        rows = teams.values_list(*TEAM_FIELDS)
        if tree is not None:  # about a past day: as the report names them (a team added since keeps its name)
            rows = ((*row[:NAME], tree.name(row[PK]) or row[NAME], *row[NAME + 1 :]) for row in rows)
        choices = [Choice(row[PK], row[NAME], row, teams.db) for row in rows]
        return [choice for choice in choices if choice.row[DEPTH] == 1] or None, choices
    if not user.is_authenticated:
        return None, []
    roots, choices = [], []
    for team in _managed_and_below(user):
        choices.append(Choice(team.pk, team.name, tuple(getattr(team, name) for name in TEAM_FIELDS), team._state.db))
        if team.managed:
            roots.append(choices[-1])
    return roots or None, choices


def _visible_on(user, tree: Tree) -> tuple[list[Choice] | None, list[Choice]]:
    """`_visible` about a past day, for anyone but HR: the teams that in `tree` (the day's) were at or below a team
    `user` manages today, named as they were then, in the tree's order then; the roots those they manage. A manager
    whose teams were not there yet has an empty page, not a refusal. One query (today's appointments): the tree is
    the one the report reads."""
    managed = _managed_today(user)
    if not managed:
        return None, []
    db = Team.objects.db
    choices = []
    for pk in sorted(tree.under(managed), key=tree.order):
        team = tree.team(pk)  # its name and depth then, its path now
        choices.append(Choice(pk, team.name, (pk, team.path, team.depth, team.name), db))
    return [choice for choice in choices if choice.pk in managed], choices


def _managed_today(user) -> set[int]:
    """The ids of the teams `user` manages today (`TeamManager.objects.current()`). One query."""
    if not user.is_authenticated:
        return set()
    return set(TeamManager.objects.current().filter(staff__user=user).values_list("team_id", flat=True))


def person_for_request(user, staff_id: int, day: datetime.date | None = None, basis: str = AS_IT_WAS, tree=None):
    """The person (with their team and line manager) whose page `user` may open: live, anyone `staff_list_for_user`
    gives, and a manager anyone holding a post today in a team they manage or below (`staff_list_posted_for_user`:
    marked `seen_through_post`, to be shown read-only, and `post_team_managed` if the post is in a team they manage
    rather than only below one); about a past `day` on the clock `basis`, HR anyone, anyone
    themselves, and a manager exactly those on their team page for that day (the teams they manage today and below in
    the day's tree, the roster of the day on the same clock: `roster_team_on`; no post counts, as no history of posts
    is kept), marked `seen_today` False if they are not in the manager's teams today: the page then says nothing of
    where they work now. Anyone else is a 404. `tree`: the day's (`day_tree`), read here if not given."""
    if day is None:
        person = staff_list_for_user(user).select_related("team", "line_manager").filter(pk=staff_id).first()
        if person is not None:
            return person
        # Someone holding a post today in a team the user manages, counted in their own team: read-only (no reminder)
        person = get_object_or_404(staff_list_posted_for_user(user).select_related("team", "line_manager"), pk=staff_id)
        person.seen_through_post = True
        # In a team they manage, or only below one: the page says which (one query)
        managed = TeamManager.objects.current().filter(staff__user=user).values("team_id")
        person.post_team_managed = Assignment.objects.held().filter(staff=person, team__in=managed).exists()
        return person
    if not user.is_authenticated:
        raise Http404("No such person among yours.")
    person = get_object_or_404(StaffMember.objects.select_related("team", "line_manager"), pk=staff_id)
    if person.user_id == user.pk or is_hr(user):
        return person
    managed = dict(TeamManager.objects.current().filter(staff__user=user).values_list("team_id", "team__path"))
    if managed:
        tree = tree or day_tree(day, basis)
        if roster_team_on(person, day, basis) in tree.under(managed):
            # Opened for that day: whether they are in the manager's teams today (and so what the page may say of
            # today: their team, job title and leave date now) is read from the teams' paths now, as for the live page
            person.seen_today = person.team is not None and person.team.path.startswith(tuple(managed.values()))
            return person
    raise Http404("No such person among yours.")


def roster_team_on(person: StaffMember, day: datetime.date, basis: str) -> int | None:
    """The team the roster had `person` in on `day` on the clock `basis`, as the team page for that day places them;
    None if they were not in post then (or not yet on the roster as recorded then). One query."""
    if basis == AS_IT_WAS:
        return roster_team_as_it_was(person, day)
    row = roster_as_at(Moment.end_of(day), staff_ids=[person.pk]).values_list("team_id", flat=True)
    return next(iter(row), None)


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
