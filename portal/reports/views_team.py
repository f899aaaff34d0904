"""The manager's view of their teams (HR may open any team): the matrix, a person's records, reminders."""

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.compliance.asat import Moment
from portal.compliance.pauses import pauses_for_staff
from portal.compliance.reminder_sending import ALREADY_SENT, MAIL_DOWN, SENT, UNCONFIRMED, message_send
from portal.compliance.reminders import reminder_by_hand
from portal.compliance.requirement_history import requirements_in_force_on
from portal.lib.links import safe_next
from portal.people.emails import work_email_problem
from portal.people.history import identity_before, out_of_post_around
from portal.people.models import StaffMember
from portal.people.roles import is_hr, staff_list_for_user

from .basis import AS_IT_WAS, AS_RECORDED, described
from .forms import AsAtBasisForm, TeamFilterForm, basis_options
from .posts import also_working
from .scope import DEPTH, day_tree, person_for_request, scope_label, teams_for_request
from .selectors import (
    certificate_list_for_staff,
    evidence_history_as_it_was,
    evidence_history_for_staff,
    requirement_lines_as_at,
    requirement_lines_as_it_was,
    requirement_lines_for_staff,
)
from .team import TeamMatrix, requirements_live
from .team_listed import overdue_to_remind, team_matrix_listed
from .templatetags.report_tags import percent

# "Remind everyone overdue" sends each email inside the web request: past this many people (HR with no team chosen is
# the whole organisation) it is refused and the page offers it no more. The daily run reminds them all, in the worker.
REMIND_EVERYONE_MAX = 25
# The most people each of the team page's lists (whom to chase, everyone's status) shows: HR with no team chosen is
# the whole organisation, which at 11,000 people wrote 28 MB of HTML that a browser took 30 s to show. The figures,
# the counts and the downloads still cover everyone; the page says how many are not listed and how to reach them.
LISTED_MAX = 200


@require_GET
def team(request):
    form = TeamFilterForm(request.GET)
    # About a past day, the teams to choose from are those below the user's today in that day's tree, read once for
    # the choice and the page.
    as_at = form.cleaned_data["as_at"] if form.is_valid() else None
    tree = day_tree(as_at, form.cleaned_data["basis"]) if as_at else None
    scope, choices = teams_for_request(request.user, request.GET.get("team"), tree)
    chosen = request.GET.get("team", "")
    context = {"form": form, "chosen": chosen, "team_options": _team_options(choices, chosen), "matrix": None}
    context["basis_options"] = basis_options(form)
    if not form.is_valid():
        # The requirements still offered, the one chosen still selected, as the page would list them for the day
        # asked for (today's if that is not a day): corrected and sent again, the filter chosen is kept.
        options = _requirement_options(_requirements_offered(form), form["requirement"].value())
        context["written"] = Written(options, *[mark_safe("")] * 4)
        return render(request, "reports/team.html", context, status=400)
    as_at, requirement, state, basis = (form.cleaned_data[k] for k in ("as_at", "requirement", "state", "basis"))
    moment = Moment.end_of(as_at) if as_at else None
    matrix = team_matrix_listed(
        scope, moment, listed=LISTED_MAX, requirement=requirement, state=state, basis=basis, tree=tree
    )
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.VIEW_TEAM,
        scope=scope_label(scope),
        as_at=as_at,
        **({"basis": matrix.basis} if as_at else {}),
    )
    context |= {
        "matrix": matrix,
        "written": _written(matrix, form["requirement"].value()),
        "filtered": bool(requirement or state or as_at or request.GET.get("team")),
        "pack_team": scope[0].pk if len(scope) == 1 else None,  # a pack covers one team and the teams below
        "remind_everyone_max": REMIND_EVERYONE_MAX,
        "listed_max": LISTED_MAX,
        "basis_words": described(matrix.basis) if as_at else "",
        # Today only: no history of posts is kept yet (reports.posts)
        "also": [] if as_at else also_working(matrix, requirement=requirement, state=state),
        # The downloads keep the day, the clock and the requirement shown; not the status filter, which picks people
        # rather than rows: the page says the download holds everyone, whatever their status.
        "keep": urlencode(
            {
                **({"as_at": as_at.isoformat(), "basis": matrix.basis} if as_at else {}),
                **({"requirement": requirement.pk} if requirement else {}),
            }
        ),
    }
    return render(request, "reports/team.html", context)


# The team page's repeated parts, written here in one pass rather than through the template language: a row for each
# person in the list to chase and in the table of everyone, a row and a column for each requirement, and an option
# for each team (400 for HR in a large trust). Each value is escaped once with html.escape, the function Django's
# escaping calls, so the bytes are the same as the templates wrote; each person's name, link and team are escaped once
# for both tables, and each distinct cell (most repeat one another: the same tag and date) is written once. Each part
# keeps the indentation the templates gave it; they lay out the rest and say where each part goes.
OPTION = '<option value="{}"{}>{}</option>'
REQUIREMENT_HEADER = '<th scope="col" class="nhsuk-table__header">{}</th>'
PERSON_LINK = '<a href="{}">{}</a>{}<br>'
EMPLOYMENT_TAG = ' <strong class="nhsuk-tag nhsuk-tag--purple">{}</strong>'
PEOPLE_ROW = (
    '\n        <tr class="nhsuk-table__row">\n          <th scope="row" class="nhsuk-table__header">{}'
    '<span class="nhsuk-body-s">{}</span></th>\n          {}\n        </tr>\n      '
)
STATUS_CELL = '<td class="nhsuk-table__cell"><strong class="nhsuk-tag nhsuk-tag--{}">{}</strong>{}</td>'
STATUS_DUE = '<br><span class="nhsuk-body-s">{}</span>'
NOT_REQUIRED_CELL = '<td class="nhsuk-table__cell"><span class="nhsuk-body-s">Not required</span></td>'
CHASE_ROW = (
    '\n    <tr class="nhsuk-table__row" role="row">\n      '
    '<th class="nhsuk-table__header" scope="row" role="rowheader">{}<span class="nhsuk-body-s '
    'nhsuk-u-secondary-text-colour"><span class="nhsuk-u-visually-hidden">Employee number </span>{}</span></th>\n      '
    '{}\n      <td class="nhsuk-table__cell" role="cell"><ul class="nhsuk-list portal-owed">{}</ul></td>\n    </tr>\n  '
)
CHASE_OVERDUE = (
    '<td class="nhsuk-table__cell" role="cell"><strong class="nhsuk-tag nhsuk-tag--red">{} overdue</strong></td>'
)
CHASE_NONE_OVERDUE = '<td class="nhsuk-table__cell portal-wide-only" role="cell">None</td>'
CHASE_ITEM = '<li><strong class="nhsuk-tag nhsuk-tag--{}">{}</strong> {}, {}</li>'
FIGURE_CELL = (
    '\n      <td class="nhsuk-table__cell" role="cell">'
    '<span class="nhsuk-table-responsive__heading" aria-hidden="true">'
)
FIGURE_ROW = (
    '\n    <tr class="nhsuk-table__row" role="row">'
    f"{FIGURE_CELL}Requirement </span>{{}}</td>{FIGURE_CELL}Compliant </span><span>{{}}</span></td>"
    f"{FIGURE_CELL}Due soon </span>{{}}</td>{FIGURE_CELL}Not started </span>{{}}</td>"
    f"{FIGURE_CELL}Paused </span>{{}}</td>\n    </tr>\n  "
)
FIGURE_DUE_SOON = '<strong class="nhsuk-tag nhsuk-tag--yellow">{} due soon</strong>'


@dataclass(frozen=True, slots=True)
class Written:
    """The team page's rows, each part ready to print (team.html and its includes)."""

    requirement_options: SafeString
    requirement_headers: SafeString
    people_rows: SafeString
    chase_rows: SafeString
    figure_rows: SafeString


def _team_options(teams, chosen: str) -> SafeString:
    """The team filter's options, the chosen team's selected, each indented a dash a level below the top of the list,
    as the organisation's and the API clients' team lists are: among HR's 480 teams, "Ward 3" of one directorate and
    "Ward 3" of another were the same bare name in a flat list."""
    top = min((t.row[DEPTH] for t in teams), default=1)
    options = (
        OPTION.format(t.pk, " selected" if str(t.pk) == chosen else "", "– " * (t.row[DEPTH] - top) + escape(t.name))
        for t in teams
    )
    return mark_safe("".join(options))  # noqa: S308 - each name is escaped


def _requirements_offered(form) -> list:
    """The requirements the page lists for the day and clock of a form that is not valid: those in force that day,
    or today's if the day is not one (as `team_listed` reads them)."""
    day, clock = form.cleaned_data.get("as_at"), form.cleaned_data.get("basis", AS_IT_WAS)
    if day is None:
        return requirements_live()
    return requirements_in_force_on(day, cutoff=None if clock == AS_IT_WAS else Moment.end_of(day).cutoff)


def _requirement_options(requirements, chosen_requirement, names=None) -> SafeString:
    """The requirement filter's options, `chosen_requirement` (its value as given) selected; `names` each
    requirement's name escaped, by id, if already written."""
    names = names or {r.pk: escape(r.name) for r in requirements}
    chosen = str(chosen_requirement)
    options = (OPTION.format(r.pk, " selected" if str(r.pk) == chosen else "", names[r.pk]) for r in requirements)
    return mark_safe("".join(options))  # noqa: S308 - each name is escaped


def _written(matrix: TeamMatrix, chosen_requirement) -> Written:
    """`chosen_requirement`: the requirement filter's value as given (its option is selected)."""
    names = {r.pk: escape(r.name) for r in matrix.all_requirements}
    options = _requirement_options(matrix.all_requirements, chosen_requirement, names)
    people = {}  # each listed person's link (with any bank or agency tag), and employee number and team, escaped once

    def written_person(person):
        if person.pk not in people:
            employment = EMPLOYMENT_TAG.format(escape(person.employment)) if person.employment else ""
            link = PERSON_LINK.format(escape(person.url), escape(person.full_name), employment)
            people[person.pk] = (link, f"{escape(person.employee_number)} · {escape(person.team_name)}")
        return people[person.pk]

    labels = {}  # a state's label ("Overdue", "Paused until 3 March 2027") escaped once, not once a cell
    cells = {}
    rows = []
    for person, standing in matrix.people:
        row = []
        for cell in standing:
            if not cell.required:
                row.append(NOT_REQUIRED_CELL)
                continue
            key = (cell.state, cell.label, cell.due_shown)
            if key not in cells:
                label = labels.get(cell.label) or labels.setdefault(cell.label, escape(cell.label))
                due = STATUS_DUE.format(escape(cell.due_shown)) if cell.due_shown else ""
                cells[key] = STATUS_CELL.format(cell.colour, label, due)
            row.append(cells[key])
        rows.append(PEOPLE_ROW.format(*written_person(person), "".join(row)))
    chase = []
    for owed in matrix.chase:
        count = CHASE_OVERDUE.format(owed.overdue) if owed.overdue else CHASE_NONE_OVERDUE
        items = "".join(
            CHASE_ITEM.format(item.colour, escape(item.label), names[item.requirement.pk], escape(item.when))
            for item in owed.items
        )
        chase.append(CHASE_ROW.format(*written_person(owed.person), count, items))
    figures = [
        FIGURE_ROW.format(
            names[line.requirement.pk],
            percent(line.figure),
            FIGURE_DUE_SOON.format(line.due_soon) if line.due_soon else "None",
            line.counts["not_started"],
            line.counts["paused"],
        )
        for line in matrix.figures
    ]
    headers = "".join(REQUIREMENT_HEADER.format(names[r.pk]) for r in matrix.requirements)
    # Safe: every value in these was escaped above (tag colours and counts are the code's own); the rest are literals.
    parts = (options, headers, "".join(rows), "".join(chase), "".join(figures))
    return Written(*(mark_safe(part) for part in parts))  # noqa: S308


@require_GET
def team_person(request, staff_id: int):
    form = AsAtBasisForm(request.GET)
    # About a past day, whoever is on the user's team page for that day (`scope.person_for_request`); live, or with a
    # day that is not one, whoever they may see today.
    as_at, basis = (form.cleaned_data["as_at"], form.cleaned_data["basis"]) if form.is_valid() else (None, None)
    tree = day_tree(as_at, basis) if as_at and basis == AS_IT_WAS else None  # read once, for the check and the lines
    person = person_for_request(request.user, staff_id, as_at, basis, tree)
    if person.user_id == request.user.pk:
        return redirect("reports:my_training")
    # The line under the name speaks of today: "left" only once the last day of service has passed. Seen through a
    # post, read-only whatever the address asks: no team of theirs named, no date offered (a wrong one included).
    seen_through_post = getattr(person, "seen_through_post", False)
    context = {
        "person": person,
        "form": form,
        "basis_options": basis_options(form),
        "today": timezone.localdate(),
        "seen_through_post": seen_through_post,
        "seen_today": getattr(person, "seen_today", True),  # about a past day, moved since out of the manager's teams
        "named": person,
    }
    if not form.is_valid():
        return render(request, "reports/team_person.html", context, status=400)
    if as_at and basis == AS_RECORDED:  # named as the portal had them then, as the team page on that clock names them
        context["named"] = identity_before(person, Moment.end_of(as_at).cutoff) or person
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.VIEW_PERSON,
        scope=context["named"].full_name,
        as_at=as_at,
        staff_id=person.pk,
        **({"basis": basis} if as_at else {}),
    )
    lines, history, certificates = _records(person, as_at, basis, tree)
    context |= {
        "as_at": as_at,
        "basis": basis if as_at else None,
        "basis_words": described(basis) if as_at else "",
        "lines": lines,
        "history": history,
        "certificates": certificates,
        "reminder_due": as_at is None
        and not person.has_left()
        and not seen_through_post  # their own team's managers remind them
        and any(line.action for line in lines),
        "pauses": pauses_for_staff(person) if as_at is None and is_hr(request.user) else [],  # one query, HR only
    }
    if lines is None and basis == AS_IT_WAS:  # not in post that day: say when they left and when they (next) started
        context["left_then"], context["started_after"] = out_of_post_around(person, as_at)
    return render(request, "reports/team_person.html", context)


def _records(person, as_at, basis, tree=None):
    """A person's requirement lines, history and certificates: live; as at a past day as it was (everything known now
    about that day: their runs of the status table in effective time, what had taken effect by then whenever it was
    recorded); or as recorded then (the ledger and roster as recorded by the end of that day)."""
    if as_at is None:
        return (
            requirement_lines_for_staff(person),
            evidence_history_for_staff(person),
            certificate_list_for_staff(person),
        )
    if basis == AS_IT_WAS:
        everything = list(evidence_history_for_staff(person))  # read whole: its pauses give a paused line's end
        lines = requirement_lines_as_it_was(person, as_at, everything, tree)
        history = evidence_history_as_it_was(everything, as_at)
        return lines, history, certificate_list_for_staff(person, completed_by=as_at)
    moment = Moment.end_of(as_at)
    lines = requirement_lines_as_at(person, moment)
    history = evidence_history_for_staff(person, cutoff=moment.cutoff)
    return lines, history, certificate_list_for_staff(person, cutoff=moment.cutoff)


@require_POST
def team_remind(request):
    """Remind one person (`staff`) or everyone overdue in the team shown (`team`), up to REMIND_EVERYONE_MAX people
    (more is refused: the emails go inside this request). Each person at most once a day, whoever presses the button."""
    scope, _ = teams_for_request(request.user, request.POST.get("team"))
    today = timezone.localdate()
    if "staff" in request.POST:
        staff_id = request.POST["staff"]
        if not staff_id.isdigit():
            raise Http404("No such person among yours.")
        people = [get_object_or_404(_remindable(request.user, scope).select_related("user"), pk=int(staff_id))]
    else:
        # Counted before anyone is judged: past the most it may send, refused for the cost of one count.
        count, overdue = overdue_to_remind(scope, request.user, REMIND_EVERYONE_MAX)
        if count > REMIND_EVERYONE_MAX:
            context = {"overdue": count, "most": REMIND_EVERYONE_MAX, "team": request.POST.get("team", "")}
            return render(request, "reports/remind_too_many.html", context, status=400)
        people = list(StaffMember.objects.filter(pk__in=overdue).select_related("user"))
        if count and not people:  # counted, as the page counts them, but the person pressing it is not reminded
            messages.info(request, _only_the_presser())
            return redirect(safe_next(request) or "reports:team")
    sent, already, nothing, closed, failed, no_address, unconfirmed = [], 0, 0, 0, 0, [], []
    for done, person in enumerate(people, start=1):
        if person.user is not None and not person.user.is_active:
            closed += 1  # they cannot sign in to do it: as the daily run, nothing goes to a closed account
            continue
        if problem := work_email_problem(person.work_email):  # nowhere to send it: said so, naming them, and why
            no_address.append(f"{person.full_name}, who {problem}")
            continue
        message = reminder_by_hand(person, sent_by=request.user, today=today)
        outcome = message_send(message) if message is not None else None
        if outcome is None:
            nothing += 1
        elif outcome == SENT:
            sent.append(person.full_name)
        elif outcome == ALREADY_SENT:
            already += 1
        elif outcome == UNCONFIRMED:  # claimed in the last hour and not marked sent: it may never have gone
            unconfirmed.append(person.full_name)
        else:  # the mail server refused it or could not be reached: nothing recorded, so it can be tried again
            failed += 1
            if outcome == MAIL_DOWN:  # the others would each wait out EMAIL_TIMEOUT and fail the same way
                failed += len(people) - done
                break
    if sent:
        audit_record(
            request=request, actor=request.user, action=AuditEvent.REMIND, scope=", ".join(sent)[:300], people=len(sent)
        )
    summary = _remind_summary(sent, already, nothing, closed, failed, no_address, unconfirmed)
    (messages.error if failed else messages.success)(request, summary)
    return redirect(safe_next(request) or "reports:team")


def _only_the_presser() -> SafeString:
    return format_html(
        "You are the only person overdue here, and this button does not remind the person pressing it: nothing was "
        'sent. <a href="{}">My training</a> lists what you need to do.',
        reverse("reports:my_training"),
    )


def _remindable(user, scope):
    """People the user may remind: those they may see who are in the teams shown, not leavers, not themselves."""
    return staff_list_for_user(user).filter(pk__in=StaffMember.objects.current().in_teams(scope)).exclude(user=user)


def _remind_summary(
    sent: list[str],
    already: int,
    nothing: int,
    closed: int,
    failed: int,
    no_address: list[str] = (),
    unconfirmed: list[str] = (),
) -> str:
    parts = []
    if failed:
        whom = "1 person" if failed == 1 else f"{failed} people"
        parts.append(f"The reminder to {whom} could not be sent: the email server did not take it. Try again later.")
    if sent:
        parts.append(f"Reminder sent to {sent[0]}." if len(sent) == 1 else f"Reminders sent to {len(sent)} people.")
    if already:
        parts.append(f"Not sent again to {already} {'person' if already == 1 else 'people'} reminded earlier today.")
    if unconfirmed:  # not sent again, as another request may be sending it now; taken over after the hour
        whom, them = (unconfirmed[0], "them") if len(unconfirmed) == 1 else (f"{len(unconfirmed)} people", "each")
        parts.append(
            f"Not sent again to {whom}: a reminder to {them} was started less than an hour ago and the email server "
            "has not confirmed it yet. If it has not arrived, press Remind again an hour after it was started, and it "
            "will be sent."
        )
    if nothing:
        parts.append(f"{nothing} {'person has' if nothing == 1 else 'people have'} nothing outstanding.")
    if closed:
        whose = "person whose account is" if closed == 1 else "people whose accounts are"
        parts.append(f"Not sent to {closed} {whose} closed: they cannot sign in.")
    if no_address:  # each "Name, who has no work email address on record" or has one that is not an address
        them = "it" if len(no_address) == 1 else "them"
        parts.append(f"Not sent to {'; '.join(sorted(no_address))}: ask HR to add {them} to the roster.")
    return " ".join(parts) or "Nobody in this team is overdue."
