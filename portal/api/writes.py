"""Writes: completions and roster changes. Each request becomes the rows of the file HR would upload, and goes
through that import's own service: the same dry run, the same rules, all or nothing, applied in the task worker
(portal.compliance.imports). The API adds what a file has no way to say: the client's team, and an Idempotency-Key."""

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Header, Router

from portal.audit.models import AuditEvent
from portal.compliance.completions import people_by_number
from portal.compliance.imports.own_records import CLIENT_MADE_BY, CLIENT_SHOWN_TO
from portal.compliance.imports.senders import SENT_BY_CLIENT
from portal.compliance.imports.services import ImportRefused, import_batch_apply, import_batch_create
from portal.compliance.intervals import Change, Facts, Roster
from portal.compliance.models import ImportBatch
from portal.lib.csvfiles import cell_value
from portal.people.models import Assignment, StaffChange, StaffMember, Team
from portal.people.roster import OPTIONAL_FIELDS, RosterTeams, privileged_sign_ins

from .auth import ClientToken, audit_call, scope_extra
from .idempotency import answer_once, checked_key, fingerprint
from .models import ApiClient, IdempotentRequest
from .problems import Problem
from .team_roles import roles_beyond
from .writes_schemas import CompletionsIn, Digits, ImportRef, RosterIn, WriteAnswer

router = Router(tags=["Writes"])
COMPLETION_COLUMNS = ["Employee Number", "Assignment Number", "Competence Name", "Completion Date", "Expiry Date"]
ROSTER_COLUMNS = [
    ("employee_number", "Employee Number"),
    ("assignment_number", "Assignment Number"),
    ("first_name", "First Name"),
    ("last_name", "Last Name"),
    ("work_email", "Work Email"),
    ("start_date", "Start Date"),
    ("leave_date", "Leave Date"),
    ("job_title", "Job Title"),
    ("staff_group", "Staff Group"),
    ("team_code", "Organisation Code"),
    ("team_name", "Organisation"),
    ("manager_employee_number", "Supervisor Employee Number"),
    ("manager_assignment_number", "Supervisor Assignment Number"),
    ("employment_type", "Employment Type"),
    ("effective_date", "Effective Date"),
]
# A person's line manager, given by either field. Left out by everyone, the file has no supervisor columns and each
# keeps the line manager the portal holds; given, both empty is none, as a blank supervisor in a file with the column.
MANAGER_FIELDS = ("manager_employee_number", "manager_assignment_number")
# What a person may leave out, to keep what the portal holds, as a roster file without the column: each field the
# import keeps when its column is missing, and the line manager (either of its fields).
LEAVABLE = {**{field: (field,) for field in sorted(OPTIONAL_FIELDS)}, "line_manager": MANAGER_FIELDS}
KEY_HEADER = Header(None, alias="Idempotency-Key", description="Unique to the request; the same on a retry")
ANSWERS = {200: WriteAnswer, 202: WriteAnswer}


def _file(header: list[str], rows: list[list]) -> bytes:
    """The rows as the CSV file HR would upload: line 1 the header, so item i is line i + 2."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_as_written(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _as_written(cell) -> str:
    """A value as the cell that the import reads back as it: the rows were checked as cell_value reads them, and the
    import reads the file through cell_value again, so a value that is itself a text formula (="E777", which an
    import before they were unwrapped kept as a number) is written as one, to be read as ="E777", not as E777."""
    text = "" if cell is None else str(cell)
    if cell_value(text) == text:
        return text
    doubled = text.replace('"', '""')
    return f'="{doubled}"'


def _item(collection: str, line: int) -> str:
    return f"{collection}[{line - 2}]"


@router.post(
    "/completions",
    response=ANSWERS,
    auth=ClientToken(ApiClient.WRITE_COMPLETIONS),
    openapi_extra=scope_extra(ApiClient.WRITE_COMPLETIONS),
)
def completions_send(request: HttpRequest, payload: CompletionsIn, idempotency_key: str | None = KEY_HEADER):
    """Record e-learning completions, as the completions import does: a course HR has not mapped, or mapped to a
    requirement since retired (`details.retired_courses` says what to do), is skipped, a person not on the roster
    skipped (or, `strict`, rejected), a repeated completion recorded once. A client limited to a team rejects,
    `strict` or not, a row for anyone not in its teams, with the same words whether or not they are on the roster.
    The own completions of the HR officer who made the client, or who was given its token, are rejected. Any rejected
    row rejects the whole request. 200 for a dry run; 202 once the import is asked to apply (follow
    `import.status_url`)."""
    key = checked_key(idempotency_key)
    body = payload.dict()
    rows = payload.completions
    client = request.auth

    def answer():
        _check_people_in_scope(client, [(r.assignment_number or r.employee_number) for r in rows])
        data = _file(
            COMPLETION_COLUMNS,
            [[r.employee_number, r.assignment_number, r.course, r.completed_on, r.expires_on] for r in rows],
        )
        options = {"strict": payload.strict, **_token_holders(client)}
        return _run(request, client, key, ImportBatch.COMPLETIONS, data, payload.dry_run, options)

    return _answered(request, client, key, body, answer, "Completions", len(rows), payload.dry_run)


@router.post(
    "/roster",
    response=ANSWERS,
    auth=ClientToken(ApiClient.WRITE_ROSTER),
    openapi_extra=scope_extra(ApiClient.WRITE_ROSTER),
)
def roster_send(request: HttpRequest, payload: RosterIn, idempotency_key: str | None = KEY_HEADER):
    """Add or change people, as the roster import does: teams must exist, only a leave date makes a leaver, and a
    change to who someone is (their email, both names) applies only with `confirm_identity_changes` set to the
    `identity_fingerprint` a dry run gave. All or nothing. A client limited to a team adds no one: it changes only
    people already in its teams, keeps them there and names only them as line managers; any other number gets the
    same answer as a number no one has. A work email or assignment number someone outside the team has is refused,
    without saying whose. A person's `job_title`, `staff_group`, `leave_date`, `employment_type` or line manager (both
    `manager_employee_number` and `manager_assignment_number`) left out is kept as the portal holds it, as in a roster
    file without that column (so a leaver stays one); sent empty or null it is cleared, as an empty cell (no line
    manager). The request is one file with one set of columns: people who differ in which of these they give are
    refused (422 `invalid_request`, naming the first who differs), and nothing is recorded."""
    key = checked_key(idempotency_key)
    people = payload.people
    client = request.auth
    columns = _roster_columns(people)
    given = {field for field, _ in columns}
    left_out = sorted(name for name, fields in LEAVABLE.items() if not given & set(fields))

    def answer():
        if client.team:
            _check_roster_in_scope(client, people)
        data = _file([label for _, label in columns], [[getattr(p, f) for f, _ in columns] for p in people])
        return _run(
            request,
            client,
            key,
            ImportBatch.ROSTER,
            data,
            payload.dry_run,
            _token_holders(client),
            confirmed=payload.confirm_identity_changes,
        )

    # A field left out and the same field sent empty are different requests (keep it, clear it): the fingerprint says
    # which were left out, and is unchanged for a request that gives every field.
    body = {**payload.dict(), "left_out": left_out} if left_out else payload.dict()
    return _answered(request, client, key, body, answer, "Roster", len(people), payload.dry_run)


def _roster_columns(people) -> list[tuple[str, str]]:
    """The columns of the file for these people: a field the import keeps when its column is missing (job title,
    staff group, leave date, agency or bank, line manager) is a column only when the people give it, so a person sent
    without it keeps what the portal holds, as in a file without the column. A file has one set of columns, so people
    who differ in which of those fields they give are refused, naming the first who differs from people[0] in each:
    splitting them into two files would make one request two imports, each applied or refused alone."""
    given = [person.model_fields_set for person in people]
    errors = []
    for fields in LEAVABLE.values():
        field = " or ".join(fields)
        first = bool(given[0] & set(fields))
        i = next((i for i, named in enumerate(given) if bool(named & set(fields)) != first), None)
        if i is None:
            continue
        giver, silent = (0, i) if first else (i, 0)
        message = (
            f"people[{silent}] (employee {people[silent].employee_number}) leaves out {field}, which "
            f"people[{giver}] (employee {people[giver].employee_number}) gives: give {field} for everyone in the "
            f"request (empty or null for none) or for no one (each keeps theirs), or send them in separate requests"
        )
        errors.append({"field": f"people[{i}].{fields[0]}", "message": message})
    if errors:
        raise Problem(
            "invalid_request",
            "A roster request is one file, with one set of columns: nothing was recorded. "
            + "; ".join(e["message"] for e in errors),
            errors=errors,
        )
    kept = {field for fields in LEAVABLE.values() if not given[0] & set(fields) for field in fields}
    return [(field, label) for field, label in ROSTER_COLUMNS if field not in kept]


@router.get(
    "/imports/{batch_id}",
    response=ImportRef,
    auth=ClientToken((ApiClient.WRITE_COMPLETIONS, ApiClient.WRITE_ROSTER)),
    openapi_extra=scope_extra(ApiClient.WRITE_COMPLETIONS, ApiClient.WRITE_ROSTER),
)
def import_status(request: HttpRequest, batch_id: Digits):
    """How far an import this client asked for has got: `status` is done (or failed, with `error`) once applied."""
    if not 0 < batch_id < 2**63:  # no import has it, and the database cannot even be asked about it
        raise Problem("not_found", f"There is no import {batch_id} among this client's.")
    held = [kind for kind, scope in SCOPE_OF.items() if scope in request.auth.scopes]
    found = IdempotentRequest.objects.filter(client=request.auth, batch_id=batch_id, batch__kind__in=held)
    record = found.select_related("batch").first()
    if record is None:
        raise Problem("not_found", f"There is no import {batch_id} among this client's.")
    return _import_ref(record.batch)


SCOPE_OF = {ImportBatch.COMPLETIONS: ApiClient.WRITE_COMPLETIONS, ImportBatch.ROSTER: ApiClient.WRITE_ROSTER}


def _answered(request, client, key, body, answer, noun, rows, dry_run):
    response, record, replayed = answer_once(client, key, fingerprint(request, body), answer)
    audit_call(
        request,
        action=AuditEvent.IMPORT,
        scope=f"{noun} through the API: {rows} rows{' (dry run)' if dry_run else ''}",
        idempotency_key=key,
        replayed=replayed,
        status=response.status_code,
        batch=record.batch_id,
    )
    return response


def _run(request, client, key, kind, data, dry_run, options, confirmed=""):
    """Keep the rows as an import (its dry run shown to HR like any upload's), then apply it unless `dry_run`."""
    batch, plan = import_batch_create(
        kind=kind, data=data, filename=f"API {client.name} {key}", user=None, options=options
    )
    collection = "completions" if kind == ImportBatch.COMPLETIONS else "people"
    details = _details(kind, plan, collection)
    if not plan.can_apply:
        errors = [
            {"field": _item(collection, line), "message": f"{_item(collection, line)}: {text}"}
            for line, text in plan.rejected
        ]
        errors += [{"field": "body", "message": text} for text in plan.problems]
        raise Problem(
            "rows_rejected",
            f"{len(errors)} rows or problems stop this request: nothing was recorded. "
            + "; ".join(e["message"] for e in errors[:5]),
            errors=errors,
            summary=plan.summary,
        )
    if dry_run:
        return 200, {"dry_run": True, "can_apply": True, "summary": plan.summary, "details": details}, batch
    if kind == ImportBatch.ROSTER and plan.needs_confirmation(confirmed):
        raise Problem(
            "identity_changes_unconfirmed",
            "This roster changes who some people are (identity_changes). "
            "Check them, then send the request again with confirm_identity_changes set to "
            "identity_fingerprint.",
            identity_changes=details["identity_changes"],
            identity_fingerprint=plan.identity_fingerprint,
        )
    try:
        import_batch_apply(
            batch=batch,
            user=None,
            request=request,
            via=client.audit_name,
            confirmed_identity=confirmed if kind == ImportBatch.ROSTER else "",
        )
    except ImportRefused as error:
        raise Problem("import_refused", str(error)) from error
    body = {
        "dry_run": False,
        "can_apply": True,
        "summary": plan.summary,
        "details": details,
        "import": _import_ref(batch),
    }
    return 202, body, batch


def _token_holders(client: ApiClient) -> dict:
    """Who was shown the client's token, kept on the batch: its maker, and whoever rotated it last (`token_shown_to`).
    Either may send anything through it, so the rows that are their own record (their completions, a roster row
    changing their start date or team) are refused, when the request comes and again in the task worker
    (compliance.imports.own_records), as the apply page refuses an HR officer their own. The client itself is kept
    too: the worker refuses the batch if HR has revoked it since, or its rows have left its teams (`queued`)."""
    return {CLIENT_MADE_BY: client.created_by_id, CLIENT_SHOWN_TO: client.token_shown_to_id, SENT_BY_CLIENT: client.pk}


def _import_ref(batch: ImportBatch) -> dict:
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "status": batch.status,
        "status_url": reverse("api:import_status", args=[batch.pk]),
        "rows_done": batch.rows_done,
        "rows_total": batch.rows_total,
        "error": batch.error,
    }


def _details(kind, plan, collection) -> dict:
    if kind == ImportBatch.COMPLETIONS:
        return {
            "not_on_roster": [
                {"item": _item(collection, line), "number": number} for line, number in plan.not_on_roster
            ],
            "unmapped_courses": plan.skipped,
            "voided": [{"item": _item(collection, line), "message": note} for line, note in plan.voided],
            "other_expiry": [{"item": _item(collection, line), "message": note} for line, note in plan.other_expiry],
            "retired_courses": [
                {
                    "course": course,
                    "requirement": retired.requirement,
                    "rows": retired.rows,
                    "message": retired.warning(course),
                }
                for course, retired in plan.retired.items()
            ],
        }
    return {
        "to_create": [person.employee_number for person in plan.to_create],
        "changes": [
            {"employee_number": staff.employee_number, "changes": changes} for staff, changes in plan.other_changes
        ],
        "identity_changes": [
            {"employee_number": c.staff.employee_number, "changes": c.changes, "reused": c.reused}
            for c in plan.identity
        ],
        "identity_fingerprint": plan.identity_fingerprint,
        "leavers": [staff.employee_number for staff in plan.leavers],
    }


def _check_people_in_scope(client: ApiClient, numbers: list[str]) -> None:
    """A client limited to a team writes only for people in it: anyone else (or no one) is the same refusal, so the
    answer says nothing about people outside the team. Each number is looked up as the import will look it up (an
    assignment number first), so an in-team person whose employee number is an outsider's assignment number (E123-2)
    cannot carry a completion to the outsider."""
    if client.team is None:
        return
    people = people_by_number(set(numbers))
    mine = set(
        StaffMember.objects.filter(pk__in=set(people.values()), team__path__startswith=client.team.path).values_list(
            "pk", flat=True
        )
    )
    errors = [
        {"field": f"completions[{i}]", "message": f"completions[{i}]: no one numbered {number!r} in this client's team"}
        for i, number in enumerate(numbers)
        if people.get(number) not in mine
    ]
    if errors:
        raise Problem(
            "rows_rejected",
            f"{len(errors)} rows name people outside this client's team: nothing was "
            "recorded. " + "; ".join(e["message"] for e in errors[:5]),
            errors=errors,
        )


def _check_roster_in_scope(client: ApiClient, people) -> None:
    """A client limited to a team changes only people already in its teams, keeps them there, and names as their line
    manager only someone in them. A number no one has and a number of someone outside get the same answer, word for
    word, as the completions check gives: otherwise the dry run would tell the client who exists outside its team
    (an unknown number was to_create, an outsider's was refused). So such a client adds no one: new starters come
    through the organisation's roster. A row's team is found by the roster import's own finder (`RosterTeams`: by
    code, else by name, in any case, across the whole organisation), and a name more than one team has, where the
    import would refuse it, is refused here too. Someone who came into its teams from another reaches back no
    further: an effective date or a leave date before that day, or another start date, would change where the roster
    had them, as it was, while another team had them (that team's past figures), and is refused."""
    teams, known = RosterTeams.load(), _TeamKnows.load(client.team.path, people)
    errors = []
    for i, person in enumerate(people):
        field, message = _outside_the_team(person, teams, known)
        if message:
            errors.append({"field": f"people[{i}]{field}", "message": f"people[{i}]: {message}"})
    if errors:
        raise Problem(
            "rows_rejected",
            f"{len(errors)} rows are outside this client's team: nothing was recorded. "
            + "; ".join(e["message"] for e in errors[:5]),
            errors=errors,
        )


@dataclass(frozen=True)
class _TeamKnows:
    """What a team's client may know of the values in its roster rows: which numbers are its own people's and posts',
    and which emails and post numbers someone outside has (a row may not take those; it is told only that they are
    in use outside, never by whom, where the import's refusal would name them: "belongs to employee E0000007")."""

    path: str
    people: set[str]
    posts: set[str]
    emails_outside: set[str]
    posts_outside: set[str]
    started: dict[str, datetime.date]  # the start date each of its people has now
    left: dict[str, datetime.date | None]  # the leave date each of its people has now
    roles: dict[str, list[str]]  # the roles beyond its teams each of its people holds (`team_roles`), if any
    joined: dict[str, datetime.date]  # the day each of its people who came from another team came into its teams

    @classmethod
    def load(cls, path: str, rows) -> "_TeamKnows":
        numbers = {r.employee_number for r in rows} | {r.manager_employee_number for r in rows}
        posts = {r.assignment_number for r in rows} | {r.manager_assignment_number for r in rows}
        emails = list({r.work_email.lower() for r in rows})  # in lower case, as the import keeps them
        staff, held = StaffMember.objects.all(), Assignment.objects.all()
        inside, held_inside = Q(team__path__startswith=path), Q(staff__team__path__startswith=path)
        # An account with HR or editor rights signs in with it: the row would give that account a staff record here
        # (and a later leave date would close it).
        rights = {e for e, team in privileged_sign_ins(emails).items() if not (team and team.startswith(path))}
        dates = list(
            staff.filter(inside, employee_number__in=numbers).values_list("employee_number", "start_date", "leave_date")
        )
        started = {number: start for number, start, _ in dates}
        return cls(
            path=path,
            people=set(started),
            started=started,
            left={number: leave for number, _, leave in dates},
            roles=roles_beyond(path, started),
            joined=_came_in(path, list(started)),
            posts=set(held.filter(held_inside, number__in=posts).values_list("number", flat=True)),
            emails_outside=rights
            | set(staff.filter(work_email__in=emails).exclude(inside).values_list("work_email", flat=True)),
            # A post held outside, or in a team outside (a second post of one of its people: its team's managers
            # see them through it, docs/two-clocks.md), or an outsider's employee number (the import keeps them apart)
            posts_outside=set(
                held.filter(number__in=posts)
                .filter(~held_inside | (Q(team__isnull=False) & ~Q(team__path__startswith=path)))
                .values_list("number", flat=True)
            )
            | set(staff.filter(employee_number__in=posts).exclude(inside).values_list("employee_number", flat=True)),
        )


def _came_in(path: str, numbers: list[str]) -> dict[str, datetime.date]:
    """The day each of these people (in the teams at `path`) last came into those teams, as their roster rows say
    now, by the tree as it is now; none for someone there since their first row. Two queries."""
    inside = set(Team.objects.filter(path__startswith=path).values_list("pk", flat=True))
    rows = defaultdict(list)
    fields = ("pk", "recorded_at", "effective_on", "team_id", "staff_group", "job_title")
    for number, *row in StaffChange.objects.filter(staff__employee_number__in=numbers).values_list(
        "staff__employee_number", *fields
    ):
        rows[number].append(Change(*row))
    today, nowhere = timezone.localdate(), Facts(None, "", "")
    came = {n: Roster(r, nowhere).audience_since(lambda facts: facts.team_id in inside, today) for n, r in rows.items()}
    return {number: day for number, day in came.items() if day is not None}


def _reaches_back(person, joined: datetime.date, started: datetime.date) -> tuple[str, str]:
    """(".field", what is wrong) for a row of someone who came into the client's teams on `joined` that would change
    the roster before that day, else ("", "")."""
    not_ours = (
        f"they came into this client's teams on {joined.isoformat()}, and the roster before then is not its to change"
    )
    for field in ("effective_date", "leave_date"):
        day = getattr(person, field)
        if day is not None and day < joined:
            return f".{field}", f"{field} {day.isoformat()} is too early: {not_ours}"
    if person.start_date != started:
        return ".start_date", f"start_date is not this client's to change: {not_ours}"
    return "", ""


def _outside_the_team(person, teams: RosterTeams, known: _TeamKnows) -> tuple[str, str]:
    """(".field", what is wrong) for a roster row a team's client may not send, else ("", "")."""
    team, _ = teams.find(person.team_code, person.team_name, leave_date=person.leave_date)
    if team is None and len(teams.by_name.get(person.team_name.lower(), ())) > 1:
        return ".team_code", f"more than one team is called {person.team_name!r}: give the team code"
    if team is None or not team.path.startswith(known.path):
        return ".team_code", "not one of this client's teams"
    if person.employee_number not in known.people:
        return ".employee_number", f"no one numbered {person.employee_number!r} in this client's team"
    manager, post = person.manager_employee_number, person.manager_assignment_number
    if manager and manager not in known.people:
        return ".manager_employee_number", f"no one numbered {manager!r} in this client's team to be the line manager"
    if post and post not in known.posts:
        return ".manager_assignment_number", f"no post numbered {post!r} in this client's team to be the line manager"
    if person.assignment_number in known.posts_outside:
        return ".assignment_number", "the assignment number is in use outside this client's team"
    if person.work_email.lower() in known.emails_outside:
        return ".work_email", "the work email is in use outside this client's team"
    roles = known.roles.get(person.employee_number)
    if roles and "leave_date" in person.model_fields_set and person.leave_date != known.left[person.employee_number]:
        return ".leave_date", (
            f"leave_date is not this client's to change: they hold {' and '.join(roles)}, which a leave date ends and "
            "clearing one gives back, and only HR changes who holds it (the organisation's roster, or HR's pages)"
        )
    joined = known.joined.get(person.employee_number)
    if joined is not None:
        return _reaches_back(person, joined, known.started[person.employee_number])
    return "", ""
