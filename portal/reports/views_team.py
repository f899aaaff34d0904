"""The manager's view of their teams (HR may open any team): the matrix, a person's records, reminders."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.compliance.asat import Moment
from portal.compliance.pauses import pauses_for_staff
from portal.compliance.reminders import message_send, reminder_by_hand
from portal.people.models import StaffMember
from portal.people.roles import is_hr, staff_list_for_user

from .basis import AS_IT_WAS, described
from .forms import AsAtBasisForm, TeamFilterForm, basis_options
from .scope import scope_label, teams_for_request
from .selectors import (
    evidence_history_as_it_was,
    evidence_history_for_staff,
    requirement_lines_as_at,
    requirement_lines_as_it_was,
    requirement_lines_for_staff,
)
from .team import team_matrix


@require_GET
def team(request):
    scope, choices = teams_for_request(request.user, request.GET.get("team"))
    form = TeamFilterForm(request.GET)
    context = {"form": form, "choices": choices, "chosen": request.GET.get("team", ""), "matrix": None}
    context["basis_options"] = basis_options(form)
    if not form.is_valid():
        return render(request, "reports/team.html", context, status=400)
    as_at, requirement, state, basis = (form.cleaned_data[k] for k in ("as_at", "requirement", "state", "basis"))
    moment = Moment.end_of(as_at) if as_at else None
    matrix = team_matrix(scope, moment, requirement=requirement, state=state, basis=basis)
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
        "filtered": bool(requirement or state or as_at or request.GET.get("team")),
        "pack_team": scope[0].pk if len(scope) == 1 else None,  # a pack covers one team and the teams below
        "basis_words": described(matrix.basis) if as_at else "",
        "keep": urlencode({"as_at": as_at.isoformat(), "basis": matrix.basis}) if as_at else "",
    }
    return render(request, "reports/team.html", context)


@require_GET
def team_person(request, staff_id: int):
    person = get_object_or_404(staff_list_for_user(request.user).select_related("team", "line_manager"), pk=staff_id)
    if person.user_id == request.user.pk:
        return redirect("reports:my_training")
    form = AsAtBasisForm(request.GET)
    context = {"person": person, "form": form, "basis_options": basis_options(form)}
    if not form.is_valid():
        return render(request, "reports/team_person.html", context, status=400)
    as_at, basis = form.cleaned_data["as_at"], form.cleaned_data["basis"]
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.VIEW_PERSON,
        scope=person.full_name,
        as_at=as_at,
        staff_id=person.pk,
        **({"basis": basis} if as_at else {}),
    )
    lines, history, certificates = _records(person, as_at, basis)
    context |= {
        "as_at": as_at,
        "basis": basis if as_at else None,
        "basis_words": described(basis) if as_at else "",
        "lines": lines,
        "history": history,
        "certificates": certificates.select_related("requirement").order_by("-uploaded_at"),
        "reminder_due": as_at is None and not person.has_left() and any(line.action for line in lines),
        "pauses": pauses_for_staff(person) if as_at is None and is_hr(request.user) else [],  # one query, HR only
    }
    return render(request, "reports/team_person.html", context)


def _records(person, as_at, basis):
    """A person's requirement lines, history and certificates: live; as at a past day as it was (everything known now
    about that day: their runs of the status table in effective time, what had taken effect by then whenever it was
    recorded); or as recorded then (the ledger and roster as recorded by the end of that day)."""
    if as_at is None:
        return requirement_lines_for_staff(person), evidence_history_for_staff(person), person.certificates.all()
    if basis == AS_IT_WAS:
        everything = list(evidence_history_for_staff(person))  # read whole: its pauses give a paused line's end
        lines = requirement_lines_as_it_was(person, as_at, everything)
        history = evidence_history_as_it_was(everything, as_at)
        return lines, history, person.certificates.filter(completed_on__lte=as_at)
    moment = Moment.end_of(as_at)
    lines = requirement_lines_as_at(person, moment)
    history = evidence_history_for_staff(person, cutoff=moment.cutoff)
    return lines, history, person.certificates.filter(uploaded_at__lt=moment.cutoff)


@require_POST
def team_remind(request):
    """Remind one person (`staff`) or everyone overdue in the team shown (`team`). Each person at most once a day,
    whoever presses the button."""
    scope, _ = teams_for_request(request.user, request.POST.get("team"))
    today = timezone.localdate()
    if "staff" in request.POST:
        staff_id = request.POST["staff"]
        if not staff_id.isdigit():
            raise Http404("No such person among yours.")
        people = [get_object_or_404(_remindable(request.user, scope), pk=int(staff_id))]
    else:
        overdue = [p.pk for p in team_matrix(scope).overdue_people if p.user_id != request.user.pk]
        people = list(StaffMember.objects.filter(pk__in=overdue))
    sent, already, nothing = [], 0, 0
    for person in people:
        message = reminder_by_hand(person, sent_by=request.user, today=today)
        if message is None:
            nothing += 1
        elif message_send(message):
            sent.append(person.full_name)
        else:
            already += 1
    if sent:
        audit_record(
            request=request, actor=request.user, action=AuditEvent.REMIND, scope=", ".join(sent)[:300], people=len(sent)
        )
    messages.success(request, _remind_summary(sent, already, nothing))
    return redirect(request.POST.get("next") if _safe_next(request) else "reports:team")


def _remindable(user, scope):
    """People the user may remind: those they may see who are in the teams shown, not leavers, not themselves."""
    return staff_list_for_user(user).filter(pk__in=StaffMember.objects.current().in_teams(scope)).exclude(user=user)


def _remind_summary(sent: list[str], already: int, nothing: int) -> str:
    parts = []
    if sent:
        parts.append(f"Reminder sent to {sent[0]}." if len(sent) == 1 else f"Reminders sent to {len(sent)} people.")
    if already:
        parts.append(f"Not sent again to {already} {'person' if already == 1 else 'people'} reminded earlier today.")
    if nothing:
        parts.append(f"{nothing} {'person has' if nothing == 1 else 'people have'} nothing outstanding.")
    return " ".join(parts) or "Nobody in this team is overdue."


def _safe_next(request) -> bool:
    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
