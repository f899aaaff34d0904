"""HR runs the organisation: the team tree (add, rename, move, close a team) and each team's managers."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portal.lib.forms import DayMonthYearField
from portal.people.decorators import hr_required
from portal.people.managers import (
    REASON_MAX_LENGTH,
    ManagerError,
    staff_by_employee_number,
    team_manager_add,
    team_manager_end,
)
from portal.people.models import Team, TeamManager

from . import organisation
from .organisation import TeamError, open_teams

TEXT_ERRORS = {"null_characters_not_allowed": "Remove the control character U+0000 and type it again"}
# Past this many teams the tree folds each directorate's teams (a trust of 480 teams was a list 21,700 px tall): the
# directorates stay in view, each with how many teams are below it; a browser's find in page opens a fold it finds in.
TEAMS_FOLDED_PAST = 100


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team):
        return f"{'– ' * (team.depth - 1)}{team.name} ({team.code})"


def _team_choice(label: str, required: bool = True, **kwargs) -> TeamChoiceField:
    return TeamChoiceField(
        queryset=open_teams(),
        label=label,
        required=required,
        error_messages={"required": "Select the team it sits under", "invalid_choice": "Select a team from the list"},
        **kwargs,
    )


class NameCodeForm(forms.Form):
    name = forms.CharField(label="Name", error_messages={"required": "Enter the team's name", **TEXT_ERRORS})
    code = forms.CharField(
        label="Code",
        help_text="The team's organisation code in ESR, so that roster files find it",
        error_messages={"required": "Enter the team's code (its ESR organisation code)", **TEXT_ERRORS},
    )


class TeamAddForm(NameCodeForm):
    kind = forms.ChoiceField(
        label="Kind", choices=Team.KIND_CHOICES, initial=Team.TEAM, error_messages={"invalid_choice": "Select a kind"}
    )
    parent = _team_choice("Where it sits", required=False, empty_label="At the top: a new organisation")


class MoveForm(forms.Form):
    parent = _team_choice("Move it under", empty_label=None)


class CloseForm(forms.Form):
    closed_on = DayMonthYearField(label="Date it closed", label_in_errors="the date the team closed")


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Reason",
            help_text="Recorded in the audit log with your name",
            max_length=REASON_MAX_LENGTH,
            error_messages={
                "required": "Give the reason for the change",
                "max_length": f"The reason must be {REASON_MAX_LENGTH} characters or fewer",
                **TEXT_ERRORS,
            },
            **kwargs,
        )


class ManagerAddForm(forms.Form):
    employee_number = forms.CharField(
        label="Employee number",
        help_text="As in ESR, for example E0012345",
        error_messages={"required": "Enter the person's employee number", **TEXT_ERRORS},
    )
    started_on = DayMonthYearField(
        label="Date they start managing the team", label_in_errors="the date they start managing the team"
    )
    reason = ReasonField()


class ManagerEndForm(forms.Form):
    ended_on = DayMonthYearField(
        label="Date they stop managing the team",
        label_in_errors="the date they stop managing the team",
        help_text="From this day they no longer see the team. Today ends it at once. For example, 27 3 2026",
    )
    reason = ReasonField()


@hr_required
@require_GET
def teams(request):
    today = timezone.localdate()
    in_post = Q(staff__leave_date__isnull=True) | Q(staff__leave_date__gte=today)
    tree = list(Team.objects.annotate(people=Count("staff", filter=in_post)).order_by("path"))
    current = TeamManager.objects.current().select_related("staff").order_by("staff__last_name", "staff__first_name")
    managers = {}
    for link in current:
        managers.setdefault(link.team_id, []).append(link.staff)
    by_path, roots = {}, []
    for team in tree:  # in path order: a team's parent comes before it
        team.current_managers, team.below, team.below_count = managers.get(team.pk, []), [], 0
        by_path[team.path] = team
        parent = by_path.get(team.path[: -Team.steplen])
        (parent.below if parent else roots).append(team)
        for depth in range(1, team.depth):  # every team above it counts it
            above = by_path.get(team.path[: depth * Team.steplen])
            if above is not None:
                above.below_count += 1
    context = {"roots": roots, "count": len(tree), "folded": len(tree) > TEAMS_FOLDED_PAST}
    return render(request, "compliance/organisation/teams.html", context)


@hr_required
@require_GET
def team(request, team_id: int):
    team = get_object_or_404(Team, pk=team_id)
    links = team.managers.select_related("staff").order_by("ended_on", "started_on", "pk")
    context = {
        "team": team,
        "ancestors": list(team.get_ancestors()),
        "children": list(Team.objects.filter(path__startswith=team.path, depth=team.depth + 1).order_by("path")),
        "managers": list(links),
        "people": team.staff.current().count(),
    }
    return render(request, "compliance/organisation/team.html", context)


@hr_required
@require_http_methods(["GET", "POST"])
def team_add(request):
    form = TeamAddForm(request.POST or None, initial={"parent": _parent_from(request)})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            added = organisation.team_create(
                name=data["name"],
                code=data["code"],
                kind=data["kind"],
                parent=data["parent"],
                user=request.user,
                request=request,
            )
        except TeamError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{added.name} ({added.code}) added.")
            return redirect("organisation:team", team_id=added.pk)
    return render(request, "compliance/organisation/team_add.html", {"form": form}, status=400 if form.errors else 200)


@hr_required
@require_http_methods(["GET", "POST"])
def team_rename(request, team_id: int):
    team = get_object_or_404(Team, pk=team_id)
    form = NameCodeForm(request.POST or None, initial={"name": team.name, "code": team.code})
    if form.is_bound and form.is_valid():
        try:
            organisation.team_rename(team=team, **form.cleaned_data, user=request.user, request=request)
        except TeamError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, "Team renamed.")
            return redirect("organisation:team", team_id=team.pk)
    return _form_page(request, "team_rename.html", team, form)


@hr_required
@require_http_methods(["GET", "POST"])
def team_move(request, team_id: int):
    team = get_object_or_404(Team, pk=team_id)
    form = MoveForm(request.POST or None, initial={"parent": team.get_parent()})
    form.fields["parent"].queryset = open_teams().exclude(path__startswith=team.path)
    if form.is_bound and form.is_valid():
        try:
            moved = organisation.team_move(
                team=team, parent=form.cleaned_data["parent"], user=request.user, request=request
            )
        except TeamError as error:
            form.add_error(error.field, str(error))
        else:
            when = "in the next few minutes" if moved["in_background"] else "now"
            messages.success(request, f"Team moved. The training of its {moved['people']} people is updated {when}.")
            return redirect("organisation:team", team_id=team.pk)
    return _form_page(request, "team_move.html", team, form)


@hr_required
@require_http_methods(["GET", "POST"])
def team_close(request, team_id: int):
    team = get_object_or_404(Team, pk=team_id)
    form = CloseForm(request.POST or None, initial={"closed_on": timezone.localdate().isoformat()})
    managers = [link.staff.full_name for link in organisation.open_managers(team)]
    closes_on = timezone.localdate()
    if form.is_bound and form.is_valid():
        closes_on = form.cleaned_data["closed_on"]
        try:
            organisation.team_close(team=team, closed_on=closes_on, user=request.user, request=request)
        except TeamError as error:
            form.add_error(error.field, str(error))
        else:
            stop = f" {', '.join(managers)} stop seeing it from {closes_on:%-d %B %Y}." if managers else ""
            messages.success(request, f"{team.name} closed.{stop}")
            return redirect("organisation:team", team_id=team.pk)
    return _form_page(request, "team_close.html", team, form, managers=managers, closes_on=closes_on)


@hr_required
@require_http_methods(["GET", "POST"])
def manager_add(request, team_id: int):
    team = get_object_or_404(Team, pk=team_id)
    form = ManagerAddForm(request.POST or None, initial={"started_on": timezone.localdate().isoformat()})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            staff = staff_by_employee_number(data["employee_number"])
            team_manager_add(
                team=team,
                staff=staff,
                started_on=data["started_on"],
                reason=data["reason"],
                user=request.user,
                request=request,
            )
        except ManagerError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{staff.full_name} is now a manager of {team.name}.")
            return redirect("organisation:team", team_id=team.pk)
    return _form_page(request, "manager_add.html", team, form)


@hr_required
@require_http_methods(["GET", "POST"])
def manager_end(request, manager_id: int):
    link = get_object_or_404(TeamManager.objects.select_related("staff", "team"), pk=manager_id)
    form = ManagerEndForm(request.POST or None, initial={"ended_on": timezone.localdate().isoformat()})
    if form.is_bound and form.is_valid():
        try:
            team_manager_end(manager=link, **form.cleaned_data, user=request.user, request=request)
        except ManagerError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{link.staff.full_name} stops managing {link.team.name}.")
            return redirect("organisation:team", team_id=link.team_id)
    return _form_page(request, "manager_end.html", link.team, form, link=link)


def _form_page(request, template: str, team: Team, form, **context):
    status = 400 if form.errors else 200
    context = {"team": team, "form": form, **context}
    return render(request, f"compliance/organisation/{template}", context, status=status)


def _parent_from(request) -> Team | None:
    number = request.GET.get("parent", "")
    return open_teams().filter(pk=int(number)).first() if number.isdigit() and len(number) < 18 else None
