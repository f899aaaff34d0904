"""The dry run: `plan_roster` reads a roster file and checks it, against itself (numbers, supervisors, the line
management tree) and against the database (who exists, emails, assignment numbers, identity changes, sign-in
accounts), writing nothing."""

import hashlib
from collections import defaultdict

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from portal.lib.csvfiles import CsvFileError, read_table, show_date

from ..models import Assignment, StaffMember
from ..roles import HR_GROUP
from ..text_formulas import text_formula_records
from .numbers import zero_twin_error, zero_twins
from .plan import IDENTITY_FIELDS, IdentityChange, RosterPlan
from .rows import (
    ALIASES,
    COLUMNS,
    MANAGER_COLUMNS,
    NAMES,
    NUMBERS,
    OPTIONAL_FIELDS,
    REQUIRED,
    PersonRow,
    _assignment_order,
    _differing_columns,
    _one_person,
    _read_row,
)
from .teams import RosterTeams


def plan_roster(data: bytes, *, sheet: str = "", **_options) -> RosterPlan:
    """Read the file (CSV or XLSX) and compare it with the database. Writes nothing."""
    plan = RosterPlan(sha256=hashlib.sha256(data).hexdigest(), unmatchable=text_formula_records())
    try:
        table = read_table(data, ALIASES, REQUIRED, COLUMNS, sheet=sheet, numbers=NUMBERS, names=NAMES)
    except CsvFileError as error:
        plan.problems.append(str(error))
        return plan
    records, plan.unused, plan.ignored, plan.hidden = table.records, table.unused, table.ignored, table.hidden
    plan.problems.extend(table.doubtful_problems())
    if records and not ({"team_code", "team_name"} & records[0][1].keys()):
        plan.problems.append("The file has no column for the team (Organisation, Team or Organisation Code).")
        return plan
    plan.rows = len(records)
    teams = RosterTeams.load()
    plan.team_names = {pk: team.name for pk, team in teams.by_pk.items()}
    today = timezone.localdate()
    posts: dict[str, list[PersonRow]] = defaultdict(list)  # employee number -> one row per assignment
    first_row: dict[str, tuple[PersonRow, dict]] = {}  # assignment number -> the row that gives it, and its cells
    leave_dates_held = None if not records or "leave_date" in records[0][1] else _leave_dates_held(records)
    for line, raw in records:
        person, error = _read_row(line, raw, teams, leave_dates_held=leave_dates_held)
        if error:
            plan.rejected.append((line, error))
            continue
        assignment = person.assignments[0]
        earlier, earlier_raw = first_row.setdefault(assignment, (person, raw))
        if earlier is person:
            posts[person.employee_number].append(person)
        elif earlier.employee_number != person.employee_number:
            plan.rejected.append(
                (line, f"Assignment Number '{assignment}' is already used by employee {earlier.employee_number}")
            )
        elif differing := _differing_columns(earlier, earlier_raw, person, raw):
            post = f"Assignment {assignment}" if person.post_named else f"Employee {person.employee_number}"
            plan.rejected.append(
                (
                    line,
                    f"{post} is also on line {earlier.line} with different values ({', '.join(differing)}). "
                    "Keep one of them",
                )
            )
        # else the same row twice: one assignment
    _refuse_posts_not_named_beside_others(plan, posts)
    people = {number: _one_person(rows, today) for number, rows in posts.items()}
    _check_numbers_in_file(plan, people, {number: row for number, (row, _) in first_row.items()})
    assignment_owner = {number: row.employee_number for number, (row, _) in first_row.items()}
    hierarchy: list[tuple[int, str]] = []
    _resolve_supervisor_assignments(hierarchy, people, assignment_owner)
    columns = records[0][1].keys() if records else set()
    _check_against_database(
        plan, people, absent=OPTIONAL_FIELDS - columns, names_managers=bool(MANAGER_COLUMNS & columns)
    )
    _check_hierarchy(hierarchy, people)
    plan.line_problems = sorted(hierarchy, key=lambda p: p[0])
    plan.problems.extend(f"Line {line}: {text}" for line, text in plan.line_problems)
    plan.rejected.sort(key=lambda r: r[0])
    return plan


def _leave_dates_held(records: list[tuple[int, dict]]) -> dict:
    """{(employee number, post's number): the post's last day as the portal holds it} for the file's people and their
    posts, and {(employee number, ""): the person's} for a post it does not hold yet (one query), for a file without a
    leave-date column: the file says nothing about leave dates, so a team closed after a post ended is still that
    post's. A post's last day is its own leave date (people.Assignment), or its holder's if that is earlier or the
    post has none (one kept from before the portal read posts' dates): no post outlasts its holder."""
    numbers = {raw["employee_number"] for _, raw in records}
    rows = StaffMember.objects.filter(employee_number__in=numbers).values_list(
        "employee_number", "leave_date", "assignments__number", "assignments__leave_date"
    )
    held = {}
    for number, left, post, post_left in rows:
        held[number, ""] = left
        if post is not None:
            held[number, post] = min((day for day in (left, post_left) if day is not None), default=None)
    return held


def _refuse_posts_not_named_beside_others(plan: RosterPlan, posts: dict[str, list[PersonRow]]) -> None:
    """A row that gives no Assignment Number beside a row of the same person that gives one: which post is it? Refuse
    it (and keep the others, so that the rest of the file is still checked)."""
    for number, rows in posts.items():
        named = [row for row in rows if row.post_named]
        if len(named) == len(rows) or not named:
            continue
        for row in rows:
            if not row.post_named:
                other = "another post" if len(named) == 1 else "other posts"
                lines = ", ".join(str(r.line) for r in named)
                plan.rejected.append(
                    (
                        row.line,
                        f"the row gives no Assignment Number, and employee {number} has {other} in the file "
                        f"(line{'s' if len(named) > 1 else ''} {lines}): give the Assignment Number of each of their "
                        "posts",
                    )
                )
        posts[number] = named


def _check_numbers_in_file(plan: RosterPlan, people: dict[str, PersonRow], rows: dict[str, PersonRow]) -> None:
    """Refuse anyone whose employee number is another person's assignment number in the file (`rows`: the row of
    each assignment): a completion given for that number could be recorded against either of them."""
    for number, person in list(people.items()):
        post = rows.get(number)
        if post is not None and post.employee_number != number:
            del people[number]
            plan.rejected.append(
                (
                    person.line,
                    f"Employee Number '{number}' is also an Assignment Number of employee {post.employee_number} "
                    f"(line {post.line}): give each person a number of their own",
                )
            )


def _resolve_supervisor_assignments(
    hierarchy: list[tuple[int, str]], people: dict[str, PersonRow], assignment_owner: dict[str, str]
) -> None:
    """Turn each supervisor's assignment number into the employee number of whoever holds that post: a row of this
    file, else someone already in the portal. An employee number given as well wins."""
    wanted = {p.manager_assignment for p in people.values() if p.manager_assignment and not p.manager_number}
    held = {a: assignment_owner[a] for a in wanted if a in assignment_owner}
    missing = [a for a in wanted if a not in held]
    if missing:
        held.update(
            Assignment.objects.filter(number__in=missing).values_list("number", "staff__employee_number").iterator()
        )
    for number, person in people.items():
        if person.manager_number or not person.manager_assignment:
            continue
        manager = held.get(person.manager_assignment)
        if manager is None:
            hierarchy.append(
                (
                    person.line,
                    f"Supervisor Assignment Number {person.manager_assignment} of employee "
                    f"{number} is held by no one in the file or the portal",
                )
            )
        else:
            person.manager_number = manager


def _check_against_database(
    plan: RosterPlan, people: dict[str, PersonRow], *, absent: set[str], names_managers: bool
) -> None:
    """Sort the file's people into new and changed, refusing rows that clash with the portal. A field whose column the
    file does not have (`absent`) is left as the portal holds it: the file says nothing about it. So is the line
    manager, unless the file `names_managers` (has a supervisor column): then a blank supervisor is none, as ESR shows
    someone whose supervisor left or who moved to a post with none, and the line manager held is cleared."""
    existing = {
        s.employee_number: s
        for s in StaffMember.objects.filter(employee_number__in=people).select_related("line_manager")
    }
    posts_refused = _posts_not_named(people, existing)
    emails = dict(
        StaffMember.objects.filter(work_email__in=[p.fields["work_email"] for p in people.values()]).values_list(
            "work_email", "employee_number"
        )
    )
    assignments = [a for p in people.values() for a in p.assignments]
    owners, held_posts, posts_held, leave_held = {}, {}, defaultdict(list), {}
    for owner, post, leave in Assignment.objects.filter(staff__employee_number__in=existing).values_list(
        "staff__employee_number", "number", "leave_date"
    ):
        posts_held[owner].append(post)
        leave_held[post] = leave
    for post, owner, *facts in Assignment.objects.filter(number__in=assignments).values_list(
        "number", "staff__employee_number", "team_id", "start_date", "leave_date"
    ):
        owners[post], held_posts[post] = owner, tuple(facts)
    # An employee number that is someone's assignment number, or the other way round: the same number for two people
    posts_numbered = dict(Assignment.objects.filter(number__in=people).values_list("number", "staff__employee_number"))
    people_numbered = set(
        StaffMember.objects.filter(employee_number__in=assignments).values_list("employee_number", flat=True)
    )
    twins = zero_twins(number for number in people if number not in existing)
    seen_emails: dict[str, str] = {}
    today = timezone.localdate()
    for number, person in people.items():
        if number in posts_refused:
            plan.rejected.append((person.line, posts_refused[number]))
            continue
        if number in twins:
            plan.rejected.append((person.line, zero_twin_error(number, twins[number])))
            continue
        email = person.fields["work_email"]
        if seen_emails.setdefault(email, number) != number or emails.get(email, number) != number:
            plan.rejected.append((person.line, f"Work Email '{email}' belongs to another employee"))
            continue
        clash = next((a for a in person.assignments if owners.get(a, number) != number), None)
        if clash:
            plan.rejected.append((person.line, f"Assignment Number '{clash}' belongs to employee {owners[clash]}"))
            continue
        if posts_numbered.get(number, number) != number:
            plan.rejected.append(
                (
                    person.line,
                    f"Employee Number '{number}' is an Assignment Number of employee {posts_numbered[number]} in the "
                    "portal: give each person a number of their own",
                )
            )
            continue
        clash = next((a for a in person.assignments if a != number and a in people_numbered), None)
        if clash:
            plan.rejected.append(
                (
                    person.line,
                    f"Assignment Number '{clash}' is the Employee Number of someone else in the portal: give each "
                    "person a number of their own",
                )
            )
            continue
        staff = existing.get(number)
        if staff is None:
            plan.to_create.append(person)
            continue
        current_manager = staff.line_manager.employee_number if staff.line_manager else ""
        # Posts held open that the file does not name, but the stand-in for the one post of someone named before
        # without an Assignment Number (numbered like them, `models.IMPLICIT`), which a file giving their posts'
        # numbers never names: it holds nothing back
        open_elsewhere = [
            post
            for post in posts_held.get(number, ())
            if post not in person.posts and post != number and (leave_held[post] is None or leave_held[post] >= today)
        ]
        if _first_post_not_named(person, open_elsewhere, today):
            # A partial file (a bank extract) naming none of the posts their own record comes from: it changes the
            # posts it names, not who they are, their team or whether they have left
            kept = {name: getattr(staff, name) for name in person.fields}
            if any(kept[name] != value for name, value in person.fields.items() if name not in absent):
                first = min(open_elsewhere, key=_assignment_order)
                plan.held_back[number] = ("record", [first])
            person.fields = kept
            person.manager_number, person.manager_assignment = current_manager, ""
        elif open_elsewhere and person.fields["leave_date"] is not None:
            # No leave date while any post they hold has none, named in the file or not, else the latest
            leaves = [leave_held[post] for post in open_elsewhere]
            person.fields["leave_date"] = None if None in leaves else max([*leaves, person.fields["leave_date"]])
            if person.fields["leave_date"] is None and staff.leave_date is None:
                plan.held_back[number] = ("leave", [post for post in open_elsewhere if leave_held[post] is None])
        diffs = {
            k: (getattr(staff, k), v) for k, v in person.fields.items() if k not in absent and getattr(staff, k) != v
        }
        # A supervisor's assignment no one holds is a problem of its own (`_resolve_supervisor_assignments`), not none
        named = person.manager_number or not person.manager_assignment
        if names_managers and named and person.manager_number != current_manager:
            diffs["line_manager"] = (current_manager, person.manager_number)
            if staff.line_manager:
                plan.manager_names[current_manager] = staff.line_manager.full_name
            new_manager = people.get(person.manager_number) if person.manager_number else None
            if new_manager is not None:  # as the file names them
                plan.manager_names[person.manager_number] = (
                    f"{new_manager.fields['first_name']} {new_manager.fields['last_name']}"
                )
        posts = _posts_changed(person, held_posts, keep_leave_date="leave_date" in absent)
        one_post = len(set(posts_held.get(number, ())) | set(person.posts)) == 1
        if posts and one_post and not diffs:
            # Their one post, which only follows their own record (kept from before the portal read posts' facts)
            plan.posts_kept_up[number] = posts
        elif posts:
            plan.posts[number] = posts
            if one_post:
                plan.posts_said.add(number)  # their own record's changes say it
        if diffs or number in plan.posts:
            plan.to_change.append((staff, person, diffs))
        leave = person.fields["leave_date"]
        if leave and leave < today and (staff.leave_date is None or staff.leave_date >= today):
            plan.leavers.append(staff)
    _name_managers_in_the_portal(plan)
    _check_identity(plan)
    _check_new_people_accounts(plan)


def _first_post_not_named(person: PersonRow, open_elsewhere: list[str], today) -> bool:
    """Whether the lowest-numbered post `person` is still in (their own record's, `rows._one_person`) is one the portal
    holds open (`open_elsewhere`) that the file does not name, rather than one of the file's rows for them."""
    if not open_elsewhere:
        return False
    in_file = [n for n, (_, _, leave) in person.posts.items() if leave is None or leave >= today]
    first = min(open_elsewhere, key=_assignment_order)
    return not in_file or _assignment_order(first) < _assignment_order(min(in_file, key=_assignment_order))


def _posts_changed(person: PersonRow, held: dict[str, tuple], *, keep_leave_date: bool) -> dict:
    """{assignment number: (as held, as the file gives it)} for each of the person's posts the file adds, or whose
    team, start date or leave date (`PersonRow.posts`) it changes: the portal keeps each post's own, so that the
    managers of a second post's team see its holder (portal.reports.posts). A post not held yet is held as "". A file
    without a leave-date column (`keep_leave_date`) keeps the leave date a post holds."""
    if keep_leave_date:
        person.posts = {
            number: (*facts[:2], held[number][2] if number in held else None) for number, facts in person.posts.items()
        }
    changed = {number: facts for number, facts in person.posts.items() if held.get(number) != facts}
    return {number: (held.get(number, ""), facts) for number, facts in changed.items()}


def _posts_not_named(people: dict[str, PersonRow], existing: dict[str, StaffMember]) -> dict[str, str]:
    """A row that gives no Assignment Number says nothing about which post it is for, so for someone the portal holds
    it is the one post they hold (their `assignments` become it, in place), not a post numbered like their employee
    number beside it. Returns {employee number: why the row is refused} for those who hold several: which one is
    meant? Someone new, or holding no post, keeps the post numbered like their employee number (one query, none when
    every row names its post)."""
    wanted = [number for number, person in people.items() if not person.post_named and number in existing]
    if not wanted:
        return {}
    held = defaultdict(list)
    for number, post in Assignment.objects.filter(staff__employee_number__in=wanted).values_list(
        "staff__employee_number", "number"
    ):
        held[number].append(post)
    refused = {}
    for number, own in held.items():
        if len(own) == 1:
            person = people[number]
            (facts,) = person.posts.values()  # the row's one post, under the employee number until now
            person.posts = {own[0]: facts}
            person.assignments = own
            continue
        staff = existing[number]
        refused[number] = (
            f"the row gives no Assignment Number, and {staff.full_name} (employee {number}) holds more than one post "
            f"in the portal ({', '.join(sorted(own, key=_assignment_order))}): give the Assignment Number of the post "
            "this row is for"
        )
    return refused


def _name_managers_in_the_portal(plan: RosterPlan) -> None:
    """The names of new line managers the file does not hold, from the portal (one query)."""
    wanted = {d["line_manager"][1] for _, _, d in plan.to_change if "line_manager" in d} - plan.manager_names.keys()
    for number, first, last in StaffMember.objects.filter(employee_number__in=wanted).values_list(
        "employee_number", "first_name", "last_name"
    ):
        plan.manager_names[number] = f"{first} {last}"


def _check_identity(plan: RosterPlan) -> None:
    """List the changes to who someone is, and refuse any to the sign-in email of someone with HR or editor rights."""
    changing = [
        (s, p, d) for s, p, d in plan.to_change if IDENTITY_FIELDS[0] in d or {"first_name", "last_name"} <= d.keys()
    ]
    if not changing:
        return
    privileged = _privileged_user_ids([s.user_id for s, _, d in changing if "work_email" in d and s.user_id])
    taken = _sign_in_owners([d["work_email"][1] for _, _, d in changing if "work_email" in d])
    refused = set()
    for staff, person, diffs in changing:
        owner = taken.get(diffs["work_email"][1]) if "work_email" in diffs else None
        if owner is not None and owner != staff.user_id:
            refused.add(staff.pk)
            plan.rejected.append(
                (person.line, f"Work Email '{diffs['work_email'][1]}' is how another account signs in")
            )
            continue
        if "work_email" in diffs and staff.user_id in privileged:
            refused.add(staff.pk)
            old, new = diffs["work_email"]
            plan.rejected.append(
                (
                    person.line,
                    f"Work Email of {staff.full_name} (employee {staff.employee_number}) would change from {old} to "
                    f"{new}, but {staff.full_name} has HR or editor rights and signs in with it: an import never "
                    "changes it. Correct the file, or change the email with the person and the service desk",
                )
            )
            continue
        names = {"first_name", "last_name"} & diffs.keys()
        plan.identity.append(
            IdentityChange(
                staff=staff,
                person=person,
                changes=plan.describe({k: diffs[k] for k in sorted(diffs, key=lambda k: k not in IDENTITY_FIELDS)}),
                reused=len(names) == 2 or ("work_email" in diffs and bool(names)),
            )
        )
    plan.identity.sort(key=lambda c: c.person.line)
    if refused:
        plan.to_change = [c for c in plan.to_change if c[0].pk not in refused]


def _check_new_people_accounts(plan: RosterPlan) -> None:
    """A new person whose work email is already how an account signs in gets that account when it has no staff record
    and signs in with that very address: an account made before the roster named them (the usual one is the first HR
    officer, made before the first staff list). Refuse the rest: one that is someone else's staff record's, or signs
    in with the address by another of its rows, would be shared; and a row whose leave date has passed would close an
    account with HR or editor rights (or a superuser's), which an import never does. A client limited to a team may
    not name such an account at all (`api.writes`)."""
    taken = _sign_in_owners([p.fields["work_email"] for p in plan.to_create])
    if not taken:
        return
    accounts = {
        pk: (email, has_staff)
        for pk, email, has_staff in get_user_model()
        .objects.filter(pk__in=set(taken.values()))
        .values_list("pk", "email", "staff")
    }
    privileged = _privileged_user_ids(list(accounts))
    refused = set()
    for person in plan.to_create:
        email = person.fields["work_email"]
        owner = taken.get(email)
        if owner is None:
            continue
        account_email, has_staff = accounts[owner]
        leave_date = person.fields["leave_date"]
        if has_staff is not None or account_email != email:
            reason = f"Work Email '{email}' is how another account signs in"
        elif owner in privileged and leave_date is not None and leave_date < timezone.localdate():
            reason = (
                f"Work Email '{email}' is how an account with HR or editor rights signs in, and the row's Leave Date "
                f"({show_date(leave_date)}) has passed: an import never closes such an account. Check the row, or "
                "ask the service desk to close the account"
            )
        else:
            continue  # their own account, made before the roster named them: they get it
        refused.add(person.employee_number)
        plan.rejected.append((person.line, reason))
    plan.to_create = [p for p in plan.to_create if p.employee_number not in refused]


def _sign_in_owners(emails: list[str]) -> dict[str, int]:
    """Which account signs in with each of these addresses (its email, or one of allauth's rows for it)."""
    if not emails:
        return {}
    owners = dict(
        EmailAddress.objects.annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", "user_id")
    )
    owners.update(
        get_user_model()
        .objects.annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", "pk")
    )
    return owners


def privileged_sign_ins(emails: list[str]) -> dict[str, str | None]:
    """Of these addresses (in lower case), those that an account with HR or editor rights, or a superuser's, signs in
    with, each with the team path of that account's staff record (None if it has none): for a door that may only
    name people of some teams (a team-limited API client) to refuse the rest."""
    owners = _sign_in_owners(emails)
    privileged = _privileged_user_ids(list(set(owners.values())))
    paths = dict(StaffMember.objects.filter(user_id__in=privileged).values_list("user_id", "team__path"))
    return {email: paths.get(owner) for email, owner in owners.items() if owner in privileged}


def _privileged_user_ids(user_ids: list[int]) -> set[int]:
    """Of these users, those with HR or editor rights (the CMS), or a superuser or staff (Django's admin flag): their
    email is how they sign in."""
    if not user_ids:
        return set()
    User = get_user_model()
    access_admin = Permission.objects.filter(codename="access_admin", content_type__app_label="wagtailadmin")
    return set(
        User.objects.filter(pk__in=user_ids)
        .filter(
            Q(is_superuser=True)
            | Q(is_staff=True)
            | Q(groups__name=HR_GROUP)
            | Q(groups__permissions__in=access_admin)
            | Q(user_permissions__in=access_admin)
        )
        .values_list("pk", flat=True)
    )


def _check_hierarchy(hierarchy: list[tuple[int, str]], people: dict[str, PersonRow]) -> None:
    known = set(people) | set(
        StaffMember.objects.filter(employee_number__in={p.manager_number for p in people.values()}).values_list(
            "employee_number", flat=True
        )
    )
    managers = {n: p.manager_number for n, p in people.items() if p.manager_number}
    for number, manager in managers.items():
        line = people[number].line
        if manager not in known:
            hierarchy.append((line, f"line manager {manager} of employee {number} is unknown"))
        elif manager == number:
            hierarchy.append((line, f"employee {number} is their own line manager"))
    reported = set()
    for start in managers:
        seen, node = [], start
        while node in managers and node not in seen:
            seen.append(node)
            node = managers[node]
        if node in seen:
            cycle = seen[seen.index(node) :]
            if len(cycle) > 1 and frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                named = [f"{n} (line {people[n].line})" for n in [*cycle, node]]
                line = min(people[n].line for n in cycle)
                hierarchy.append((line, "line manager cycle: " + " → ".join(named)))
