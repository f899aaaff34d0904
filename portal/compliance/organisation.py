"""HR runs the team tree: add, rename, move and close a team. Each is keyword-only, checks everything before it
writes (bad input raises `TeamError`, with a message naming what is wrong, and changes nothing), and records itself
in the audit log (`team_changed`) and in the tree's history (`people.TeamChange`, read by reports about past days
through `people.team_history.tree_on`) in the same transaction.

They live in `compliance` because a move changes standing: a requirement for a team applies to everyone in that
team and below (`Requirement.teams`, matched by path prefix), so a team that moves takes its people out of the
audiences of its old ancestors and into those of its new ones. The page (`views_organisation.py`) and the
organisation-hierarchy import call these same functions.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.text import code_hidden_character, hidden_character
from portal.people.managers import ManagerError, team_manager_end
from portal.people.models import StaffChange, StaffMember, Team, TeamManager
from portal.people.team_history import team_change_record, team_state

from . import projection, services

NAME_MAX_LENGTH = Team._meta.get_field("name").max_length
CODE_MAX_LENGTH = Team._meta.get_field("code").max_length
KINDS = dict(Team.KIND_CHOICES)
# The materialised path holds so many steps: a team any deeper cannot be stored (PostgreSQL refuses the longer path).
MAX_DEPTH = Team._meta.get_field("path").max_length // Team.steplen
_TREE_LOCK = 0x7EA37EE  # PostgreSQL's one-key advisory lock that `tree_lock` holds


class TeamError(Exception):
    """The team cannot be changed as asked; the message says why. `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def team_create(*, name: str, code: str, kind: str, parent: Team | None, user, request=None) -> Team:
    """Add a team under `parent` (or a new organisation at the top of the tree when `parent` is None). The code is
    the ESR organisation code: unique, compared without regard to case, as the roster matches it."""
    name, code = _clean_name(name), _clean_code(code)
    if kind not in KINDS:
        raise TeamError(f"Kind '{kind}' is not one of {', '.join(KINDS.values())}", "kind")
    with transaction.atomic():
        tree_lock()
        if parent is not None:
            parent = Team.objects.get(pk=parent.pk)  # treebeard works from the stored path, not a stale copy
            if parent.is_closed:
                raise TeamError(f"{parent.name} closed on {_day(parent.closed_on)}: add the team elsewhere", "parent")
            _check_depth(parent.depth + 1)
        _check_code_free(code)
        fields = {"name": name, "code": code, "kind": kind}
        team = parent.add_child(**fields) if parent is not None else Team.add_root(**fields)
        team_change_record(team, parent_id=parent.pk if parent else None, effective_on=timezone.localdate())
        _audit(user, request, team, "added", parent=parent.code if parent else None, kind=kind)
    return team


def team_rename(*, team: Team, name: str, code: str, user, request=None) -> Team:
    """Change a team's name and code. Its people, managers and requirements stay with it (they point at the team,
    not its name), so nobody's standing changes."""
    name, code = _clean_name(name), _clean_code(code)
    with transaction.atomic():
        tree_lock()
        team = Team.objects.select_for_update().get(pk=team.pk)
        if code.lower() != team.code.lower():
            _check_code_free(code, exclude=team)
        before = {"name": team.name, "code": team.code}
        if before == {"name": name, "code": code}:
            return team
        state = team_state(team)
        team.name, team.code = name, code
        team.save(update_fields=["name", "code"])
        team_change_record(team, parent_id=state["parent_id"], effective_on=timezone.localdate(), before=state)
        _audit(user, request, team, "renamed", before=before, after={"name": name, "code": code})
    return team


def team_move(*, team: Team, parent: Team, user, request=None) -> dict:
    """Move a team, with every team below it, under `parent`. The requirements set for teams then apply to its people
    by its new place in the tree, so their status is refreshed: in this transaction for up to
    `services.refresh.REFRESH_IN_BACKGROUND_OVER` people, otherwise in the task worker once the move commits.

    The roster's history needs nothing: `StaffChange` rows name the team by id, which a move does not change, so
    reports as at a date still place each person in the same team. The tree's history gains a row for the moved team
    (its new parent, from today; the teams below it follow it): a report as at a day before the move counts its
    people in the part of the organisation it was in then (`people.team_history.tree_on`). Who a requirement set for
    a team applies to is judged by the tree of each day: from today by where the team now sits, before today by
    where it was (the runs in effective time read the tree's history, `intervals.places_for`), and a move into a
    team's audience is the day its people joined it (their new-starter window counts from it): hence the refresh
    below.

    Returns {"people": how many people's status follows, "in_background": whether the task worker does it}."""
    with transaction.atomic():
        tree_lock()
        team = Team.objects.select_for_update().get(pk=team.pk)
        parent = Team.objects.get(pk=parent.pk)
        if parent.path.startswith(team.path):
            raise TeamError(
                f"{team.name} cannot move under {'itself' if parent.pk == team.pk else parent.name}, "
                "which is one of the teams below it",
                "parent",
            )
        if parent.is_closed:
            raise TeamError(f"{parent.name} closed on {_day(parent.closed_on)}: choose an open team", "parent")
        old_parent = team.get_parent()
        if old_parent is not None and old_parent.pk == parent.pk:
            return {"people": 0, "in_background": False}
        below = team.subtree().aggregate(deepest=Max("depth"))["deepest"] - team.depth
        _check_depth(parent.depth + 1 + below, team if below else None)
        before = team_state(team)
        team.move(parent, pos="sorted-child")
        team.refresh_from_db()
        team_change_record(team, parent_id=parent.pk, effective_on=timezone.localdate(), before=before)
        people = _people_ever_in(team)
        in_background = _status_refresh(team, people)
        _audit(
            user,
            request,
            team,
            "moved",
            before={"parent": old_parent.code if old_parent else None},
            after={"parent": parent.code},
            people=len(people),
            in_background=in_background,
        )
    return {"people": len(people), "in_background": in_background}


def team_close(*, team: Team, closed_on: datetime.date, user, request=None) -> Team:
    """Close a team from `closed_on` (today or earlier): nobody new is placed in it (the roster refuses it) and no
    team is added or moved under it. A team that still has people in post, or open teams below it, cannot close.
    Its managers' open assignments end on `closed_on` (`open_managers`), each through `team_manager_end`, audited
    with the closing as its reason: from that day they no longer see the team."""
    today = timezone.localdate()
    if closed_on > today:
        raise TeamError("The closing date must be today or in the past", "closed_on")
    with transaction.atomic():
        tree_lock()
        team = Team.objects.select_for_update().get(pk=team.pk)
        if team.is_closed:
            raise TeamError(f"{team.name} already closed on {_day(team.closed_on)}", "closed_on")
        people = StaffMember.objects.current(on=today).filter(team__path__startswith=team.path).count()
        if people:
            raise TeamError(
                f"{team.name} still has {people} {'person' if people == 1 else 'people'} in post (in it or the teams "
                "below it): move them to another team with the roster first",
                "closed_on",
            )
        open_below = list(
            Team.objects.filter(path__startswith=team.path, closed_on__isnull=True)
            .exclude(pk=team.pk)
            .order_by("path")
            .values_list("name", flat=True)
        )
        if open_below:
            raise TeamError(
                f"{team.name} still has open teams below it: {', '.join(open_below)}. Close or move them first",
                "closed_on",
            )
        state = team_state(team)
        team.closed_on = closed_on
        team.save(update_fields=["closed_on"])
        # From today, as the other changes: a row is the team's whole state, so one dated back to the closing day would
        # also carry back a rename made since then. The row keeps the closing day itself.
        team_change_record(team, parent_id=state["parent_id"], effective_on=timezone.localdate(), before=state)
        managers = list(open_managers(team))
        _audit(
            user,
            request,
            team,
            "closed",
            closed_on=closed_on.isoformat(),
            managers_ended=[link.staff.full_name for link in managers],
        )
        for link in managers:
            _manager_end(link, closed_on, user, request)
    return team


def open_managers(team: Team):
    """The assignments that still give someone a view of `team`, or of a (closed) team below it: those with no end
    date or one still to come, which its closing ends. Ordered by name, the staff with them."""
    ongoing = Q(ended_on__isnull=True) | Q(ended_on__gt=timezone.localdate())
    links = TeamManager.objects.filter(ongoing, team__path__startswith=team.path)
    return links.select_related("staff", "team").order_by("staff__last_name", "staff__first_name", "team__path")


def _manager_end(link: TeamManager, closed_on: datetime.date, user, request) -> None:
    # An assignment starting after the closing day (one dated ahead) ends the day it starts: it never gives a view.
    ended_on = max(closed_on, link.started_on)
    if link.ended_on is not None and link.ended_on <= ended_on:
        return  # dated to start and end after the closing day: it never gives a view either
    try:
        team_manager_end(
            manager=link,
            ended_on=ended_on,
            reason=f"{link.team.name} closed on {_day(closed_on)}",
            user=user or "the command line",
            request=request,
        )
    except ManagerError as error:  # not expected: the row is open and the day checked; say so rather than half-close
        raise TeamError(f"{link.staff.full_name}'s management of {link.team.name} cannot end: {error}") from error


def team_status_refresh(*, team_id: int, chunk: int = 500) -> int:
    """Bring the status of everyone in a team and below in step with where the team now sits (the background half of
    `team_move`), a chunk of people at a time under the ledger's lock, so a submission waits for one chunk at most.
    Returns the rows written."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        return 0
    staff_ids = _people_ever_in(team)
    written = 0
    for start in range(0, len(staff_ids), chunk):
        with transaction.atomic():
            services.refresh.people_hold(staff_ids[start : start + chunk])
            written += projection.refresh(staff_ids=staff_ids[start : start + chunk])
    return written


def _people_ever_in(team: Team) -> list[int]:
    """Everyone in the team or below it now, or at any time the roster history records (leavers too): their status
    in effective time follows the move from today on. By id."""
    now = StaffMember.objects.filter(team__path__startswith=team.path).values_list("pk", flat=True)
    ever = StaffChange.objects.filter(team__path__startswith=team.path).values_list("staff_id", flat=True).distinct()
    return sorted({*now, *ever})


def open_teams():
    """Teams that may take new people, new teams below them and new managers, in tree order."""
    return Team.objects.filter(closed_on__isnull=True).order_by("path")


def _status_refresh(team: Team, staff_ids: list[int]) -> bool:
    if not staff_ids:
        return False
    if len(staff_ids) <= services.refresh.REFRESH_IN_BACKGROUND_OVER:
        services.refresh.people_hold(staff_ids)
        projection.refresh(staff_ids=staff_ids)
        return False
    from .tasks import team_status_refresh_task

    # After the commit, so that the worker reads the tree as moved here.
    transaction.on_commit(lambda: team_status_refresh_task.enqueue(team.pk))
    return True


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise TeamError("Enter the team's name", "name")
    if len(name) > NAME_MAX_LENGTH:
        raise TeamError(f"The team's name must be {NAME_MAX_LENGTH} characters or fewer", "name")
    problem = hidden_character(name)
    if problem:
        raise TeamError(f"The team's name contains {problem}", "name")
    return name


def _clean_code(code: str) -> str:
    code = (code or "").strip()
    if not code:
        raise TeamError("Enter the team's code (its ESR organisation code)", "code")
    if len(code) > CODE_MAX_LENGTH:
        raise TeamError(f"The team's code must be {CODE_MAX_LENGTH} characters or fewer", "code")
    problem = code_hidden_character(code)
    if problem:
        raise TeamError(f"The team's code contains {problem}", "code")
    return code


def tree_lock() -> None:
    """Hold the team tree until the transaction ends: one change to it at a time (a page, an organisation file, which
    plans itself under it), each checking the tree as the one before left it. Else two could pass their checks
    together: two codes differing only in case, or two teams each moved under the other (which PostgreSQL ends as a
    deadlock). On SQLite one transaction writes at a time (they begin IMMEDIATE): nothing more is needed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_TREE_LOCK])


def _check_depth(depth: int, team: Team | None = None) -> None:
    if depth > MAX_DEPTH:
        what = f"the teams below {team.name}" if team is not None else "the team"
        raise TeamError(
            f"That would put {what} {depth} levels down the tree: the portal holds at most {MAX_DEPTH}", "parent"
        )


def _check_code_free(code: str, exclude: Team | None = None) -> None:
    teams = Team.objects.filter(code__iexact=code)
    clash = (teams.exclude(pk=exclude.pk) if exclude else teams).first()
    if clash is not None:
        raise TeamError(f"Code '{code}' is already used by {clash.name}: each team needs its own code", "code")


def _audit(user, request, team: Team, change: str, **detail) -> None:
    audit_record(
        actor=user or "the command line",
        request=request,
        action=AuditEvent.TEAM_CHANGED,
        scope=f"{team.name} ({team.code})",
        team_id=team.pk,
        change=change,
        **detail,
    )
