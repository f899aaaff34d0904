"""Reads: a person's standing, a team's, the organisation's figures, and the ledger after a sequence number. Each
goes through the reports' own selectors, limited to the client's team, and is written to the audit log."""

import datetime
from typing import Annotated, Literal

from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from ninja import Query, Router
from pydantic import BeforeValidator

from portal.audit.models import AuditEvent
from portal.compliance import ledger, status
from portal.compliance.asat import Moment
from portal.compliance.models import EvidenceEntry, LedgerHead
from portal.lib.text import hidden_character
from portal.people.history import identity_before
from portal.people.models import StaffMember, Team
from portal.people.team_history import TeamThen
from portal.reports.basis import AS_IT_WAS, AS_RECORDED, DEFAULT
from portal.reports.forms import EARLIEST_AS_AT
from portal.reports.organisation import Figure, organisation_report
from portal.reports.scope import day_tree, roster_team_on
from portal.reports.selectors import requirement_lines_as_at, requirement_lines_for_staff
from portal.reports.team import team_matrix

from . import schemas
from .auth import ClientToken, audit_call, scope_extra
from .models import ApiClient
from .problems import Problem
from .writes_schemas import Digits, written_day

router = Router()
# A day as the writes take one: YYYY-MM-DD (pydantic would read ?as_at=1735689600 as seconds since 1970)
Day = Annotated[datetime.date | None, BeforeValidator(written_day)]
STANDING = ClientToken(ApiClient.READ_STANDING)
LEDGER_PAGE_MAX = 1000


def _day(as_at: datetime.date | None) -> datetime.date:
    """The day asked for (today if none), if it is one the reports can answer for."""
    today = timezone.localdate()
    wrong = ""
    if as_at is not None and as_at > today:
        wrong = "must be today or in the past"
    elif as_at is not None and as_at < EARLIEST_AS_AT:
        wrong = f"must be on or after {EARLIEST_AS_AT.isoformat()}"
    if wrong:
        raise Problem("invalid_request", f"as_at: {wrong}", errors=[{"field": "as_at", "message": f"as_at: {wrong}"}])
    return as_at or today


def _named(value: str, what: str) -> str:
    """A number or code from the address: one with a character no record holds (NUL, which PostgreSQL cannot even be
    asked about) names no one."""
    if hidden_character(value) or len(value) > 200:
        raise Problem("not_found", f"There is no {what} with that value among this client's.")
    return value


def _teams_of(client: ApiClient):
    return Team.objects.filter(path__startswith=client.team.path) if client.team else Team.objects.all()


def _team_for(client: ApiClient, code: str, day: datetime.date | None = None, basis: str = AS_RECORDED) -> Team:
    """The team with `code` among the client's: its team today and those below, as the tree is now; about a past
    `day`, as the tree stood that day on the clock `basis` (`reports.scope.day_tree`), as a manager's are."""
    teams = _teams_of(client) if day is None or client.team is None else Team.objects.all()
    # Codes are told apart without regard to case by every door that makes or finds a team (the organisation import,
    # the Organisation page, the roster import), so a code in any case names one team: the code as written, else the
    # one the roster import finds, whose code has the same lower case in Python (`RosterTeams`). The database's LOWER
    # only narrows the candidates: PostgreSQL's lowers 'İ' to 'i' (so 'İX' and 'IX', which both doors take, would
    # both match 'ix'), and SQLite's changes only ASCII letters.
    code = _named(code, "team")
    candidates = teams.alias(code_lower=Lower("code")).filter(
        Q(code=code) | Q(code_lower=code.lower()) | Q(code_lower=Lower(Value(code)))
    )
    matching = [team for team in candidates if team.code == code or team.code.lower() == code.lower()]
    team = min(matching, key=lambda team: (team.code != code, team.pk), default=None)
    if team is not None and day is not None and client.team is not None:
        team = team if team.pk in day_tree(day, basis).under([client.team]) else None
    if team is None:
        raise Problem("not_found", f"There is no team with the code {code!r} among this client's teams.")
    return team


def _team_ref(team: Team | TeamThen | None) -> dict | None:
    return {"code": team.code, "name": team.name} if team else None


def _figure(figure: Figure) -> dict:
    return {
        "required": figure.required,
        "compliant": figure.compliant,
        "overdue": figure.overdue,
        "percent": figure.percent,
        "meets_target": figure.meets_target,
    }


@router.get(
    "/people/{employee_number}/standing",
    response=schemas.PersonStanding,
    auth=STANDING,
    tags=["Standing"],
    openapi_extra=scope_extra(ApiClient.READ_STANDING),
)
def person_standing(request, employee_number: str, as_at: Day = None):
    """A person's standing on every requirement that applies to them: live, or as recorded by the end of `as_at`
    (named and numbered as recorded then; the address takes their employee number now)."""
    day, client = _day(as_at), request.auth
    people = StaffMember.objects.select_related("team")
    if client.team and as_at is None:
        people = people.filter(team__path__startswith=client.team.path)
    person = people.filter(employee_number=_named(employee_number, "person")).first()
    team = person.team if person is not None else None
    if person is not None and client.team and as_at is not None:
        # As at a day: someone the client's team today held that day, as the team's standing that day lists them
        # (the tree and the roster as recorded by the end of the day), in the team they were in then, as it was
        # named then: they may have moved since to a team outside the client's, which it is not to learn.
        tree = day_tree(day, AS_RECORDED)
        team = tree.teams.get(roster_team_on(person, day, AS_RECORDED))
        person = person if team is not None and team.pk in tree.under([client.team]) else None
    if person is None:
        raise Problem(
            "not_found", f"There is no one with the employee number {employee_number!r} among this client's people."
        )
    lines = (
        requirement_lines_for_staff(person) if as_at is None else requirement_lines_as_at(person, Moment.end_of(day))
    )
    if lines is None:
        raise Problem("not_found", f"Employee {employee_number} was not on the roster at the end of {day}.")
    # About a day, named and numbered as recorded then, as the team read and the team page on that clock name them
    named = person if as_at is None else identity_before(person, Moment.end_of(day).cutoff) or person
    audit_call(request, action=AuditEvent.VIEW_PERSON, scope=named.full_name, as_at=as_at, staff_id=person.pk)
    return {
        "employee_number": named.employee_number,
        "name": named.full_name,
        "team": _team_ref(team),
        "start_date": person.start_date,
        "leave_date": person.leave_date,
        "as_at": day,
        "live": as_at is None,
        "requirements": [
            {
                "requirement": {"id": line.requirement.pk, "name": line.requirement.name},
                "state": line.state,
                "label": status.label(line.state, line.row.paused_until),
                "completed_on": line.row.completed_on,
                "expires_on": line.row.expires_on,
                "due_on": line.row.due_on,
            }
            for line in lines
        ],
    }


@router.get(
    "/teams/{path:code}/standing",  # `path`: a code may hold a slash (ESR's 'ICB/COMMS'), which `str` would not take
    response=schemas.TeamStanding,
    auth=STANDING,
    tags=["Standing"],
    openapi_extra=scope_extra(ApiClient.READ_STANDING),
)
def team_standing(request, code: str, as_at: Day = None):
    """Everyone in a team and the teams below it, by requirement, with each requirement's figure: the manager's
    team page as data. Live, or as the roster placed people and the ledger stood at the end of `as_at`."""
    day = _day(as_at)
    team = _team_for(request.auth, code, as_at)
    matrix = team_matrix([team], Moment.end_of(day) if as_at else None)
    audit_call(request, action=AuditEvent.VIEW_TEAM, scope=team.name, as_at=as_at, team_id=team.pk)
    return {
        "team": _team_ref(team),
        "as_at": day,
        "live": as_at is None,
        "target": matrix.target,
        "requirements": [
            {
                "requirement": {"id": f.requirement.pk, "name": f.requirement.name},
                **_figure(f.figure),
                "counts": f.counts,
            }
            for f in sorted(matrix.figures, key=lambda f: f.requirement.name)
        ],
        "people": [
            {
                "employee_number": person.employee_number,
                "name": person.full_name,
                "team_name": _team_name(person),
                "requirements": [_cell(cell) for cell in cells if cell.state != status.NOT_REQUIRED],
            }
            for person, cells in matrix.people
        ],
    }


def _team_name(person) -> str:
    """The matrix's people are staff records or plain values (`team_name`), depending on its version."""
    team_name = getattr(person, "team_name", None)
    if team_name is not None:
        return team_name
    return person.team.name if person.team else ""


def _cell(cell) -> dict:
    row = getattr(cell, "row", None)
    return {
        "requirement_id": cell.requirement.pk,
        "state": cell.state,
        "due_on": row.due_on if row is not None else cell.due_on,
    }


@router.get(
    "/organisation/figures",
    response=schemas.OrganisationFigures,
    auth=STANDING,
    tags=["Standing"],
    openapi_extra=scope_extra(ApiClient.READ_STANDING),
)
def organisation_figures(request, team: str = "", as_at: Day = None, basis: Literal[AS_IT_WAS, AS_RECORDED] = DEFAULT):
    """The organisation report's figures by requirement, for the client's part of the organisation (or `team`, a
    team code within it) and the teams one level below: live, or as at the end of `as_at` on either clock (`basis`):
    as_it_was (everything known now about that day, the report's default) or as_recorded (what the portal showed
    then, which nothing recorded since can change)."""
    day, client = _day(as_at), request.auth
    node = _team_for(client, team, as_at, basis) if team else None
    node = node or client.team or Team.objects.filter(depth=1).order_by("path").first()
    if node is None:
        raise Problem("not_found", "The organisation has no teams yet.")
    report = organisation_report(node, as_at=as_at, today=timezone.localdate(), basis=basis)
    scope = f"Organisation figures: {node.name}" + (f" ({basis})" if as_at else "")
    audit_call(request, action=AuditEvent.VIEW_TEAM, scope=scope, as_at=as_at, team_id=node.pk)
    return {
        "team": _team_ref(node),
        "as_at": day,
        "live": report.live,
        "basis": basis if as_at else None,
        "target": report.target,
        "overall": _figure(report.overall),
        "requirements": [
            {
                "requirement": {"id": line.requirement.pk, "name": line.requirement.name},
                **_figure(line.figure),
                "furthest_below_target": _team_ref(line.worst.team) if line.worst else None,
            }
            for line in report.by_requirement
        ],
        "teams": [
            {
                "team": _team_ref(group.team),
                "direct": group.direct,
                "overall": _figure(group.overall),
                "requirements": {pk: _figure(figure) for pk, figure in group.figures.items()},
            }
            for group in report.groups
        ],
    }


class LedgerQuery(schemas.Schema):
    after: Digits = schemas.Field(0, ge=0, le=2**62, description="The last seq the archive holds (0 for the start)")
    limit: Digits = schemas.Field(500, ge=1, le=LEDGER_PAGE_MAX, description=f"At most {LEDGER_PAGE_MAX}")


@router.get(
    "/ledger/entries",
    response=schemas.LedgerPage,
    auth=ClientToken(ApiClient.READ_LEDGER),
    tags=["Ledger"],
    openapi_extra=scope_extra(ApiClient.READ_LEDGER),
)
def ledger_entries(request, query: Query[LedgerQuery]):
    """The evidence ledger's entries recorded after `after`, in chain order, each with exactly the content its hash
    covers: an archive that stores them can recompute every hash and check each links to the one before."""
    entries = list(EvidenceEntry.objects.filter(seq__gt=query.after).order_by("seq")[: query.limit])
    head = LedgerHead.objects.filter(pk=1).first()
    last = entries[-1].seq if entries else query.after
    audit_call(
        request,
        action=AuditEvent.EXPORT,
        scope=f"Ledger entries after #{query.after}",
        first=entries[0].seq if entries else None,
        last=last,
        count=len(entries),
    )
    return {
        "entries": [
            {"seq": e.seq, "content": ledger.entry_content(e), "content_hash": e.content_hash} for e in entries
        ],
        "next_after": last,
        "head_seq": head.seq if head else 0,
        "head_hash": head.head_hash if head else ledger.GENESIS_HASH,
    }
