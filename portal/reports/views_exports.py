"""CSV and XLSX exports for managers (their teams) and HR (any team); every one is written to the audit log.

A past day is read on the clock asked for (`reports.basis`, "as it was" unless told): the file's name says which
(`...-as-it-was.csv`, `...-as-recorded-then.csv`), and an XLSX workbook says it in words too, in its properties and
on a sheet after the rows. The CSV holds only the header and the rows, so its columns read the same either way.

The filters of the page an export was asked from (`requirement`, `staff_group`) are checked as the page checks them
and applied on every clock; the file's name names them, and the file says them too (`exports.Filters`)."""

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.compliance.asat import Moment
from portal.people.models import Team

from . import basis as clocks
from .exports import Filters, csv_lines, export_rows, status_meanings, xlsx_file
from .file_names import filters_in_name, team_in_name
from .forms import ExportForm, cutoff_for
from .scope import scope_label, teams_for_request, teams_on
from .selectors import due_soon_days

LIVE = "live"
DUE_ON = (
    "Due on",
    "The day it must be done by: for something done before, the day its completion expires; paused, the due date "
    "the pause leaves.",
)


def _export_request(request, kind: str):
    """(scope, moment, basis, filters, the filters as the file names them, filename stem, the teams' names today if
    renamed since) for an export, after checking who may ask, the as-at date, the clock and the filters, and
    auditing. About a past day the file and the audit log name the teams and the requirement as they were named that
    day on its clock (`Filters.named_on`), and the audit log the teams' names today too, if renamed since."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        teams_for_request(request.user, request.GET.get("team"))  # who may not ask is refused before being told why
        return None, form
    as_at = form.cleaned_data["as_at"]
    # About a past day, the teams below the user's today in that day's tree, on the file's clock, named as they were
    # that day (as the rows name them): the file's name and the audit log say the team the report is about.
    scope, _ = teams_on(request.user, request.GET.get("team"), as_at, form.cleaned_data["basis"])
    basis = form.cleaned_data["basis"] if as_at else LIVE  # today's export is live: one clock
    filters = Filters(**form.filters())
    label = scope_label(scope)
    renamed = _renamed_since(scope) if as_at else ""
    named = filters.named_on(as_at, cutoff_for(as_at, basis)) if as_at else filters
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.EXPORT,
        scope=label,
        as_at=as_at,
        format=kind,
        basis=basis,
        **({"scope_now": renamed} if renamed else {}),
        **{label.lower().replace(" ", "_"): value for label, value in named.words()},
    )
    stem = f"compliance-{'-'.join(map(team_in_name, scope))[:60]}-{as_at or timezone.localdate():%Y-%m-%d}"
    if as_at:
        stem += f"-{clocks.FILE_WORDS[basis]}"
    stem += filters_in_name(named)
    return (scope, Moment.end_of(as_at) if as_at else None, basis, filters, named, stem, renamed), form


def _renamed_since(scope) -> str:
    """The teams of `scope` (named as on a past day) by their names today, if any has been renamed since; else "".
    One query."""
    now = dict(Team.objects.filter(pk__in=[team.pk for team in scope]).values_list("pk", "name"))
    if all(now.get(team.pk, team.name) == team.name for team in scope):
        return ""
    return ", ".join(now.get(team.pk, team.name) for team in scope)


@require_GET
def export_csv(request):
    parts, form = _export_request(request, "csv")
    if parts is None:
        return _invalid(request, form)
    scope, moment, basis, filters, named, stem, _ = parts
    rows = export_rows(scope, moment, basis=basis, filters=filters)
    response = StreamingHttpResponse(csv_lines(rows, filters=named), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def export_xlsx(request):
    parts, form = _export_request(request, "xlsx")
    if parts is None:
        return _invalid(request, form)
    scope, moment, basis, filters, named, stem, renamed = parts
    response = FileResponse(
        xlsx_file(
            export_rows(scope, moment, basis=basis, filters=filters),
            title=scope_label(scope),
            about=_about(scope, moment, basis, named, renamed, made_by=request.user),
            meanings=[*status_meanings(due_soon_days()), DUE_ON],
            creator=_made_by(request.user),
        ),
        as_attachment=True,
        filename=f"{stem}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _about(scope, moment: Moment | None, basis: str, filters: Filters, renamed: str = "", *, made_by=None):
    """What the rows are, in words, for the workbook, as an auditor reading it alone needs them: whose they are (the
    organisation; the teams as named on the day, and as named now if renamed), the day and the clock, who made it
    and when (what each status means follows it on the sheet: `exports.status_meanings`)."""
    made = timezone.localtime()
    now = f" (now {renamed})" if renamed else ""
    about = [("Organisation", settings.PORTAL_ORGANISATION_NAME)]
    about += [("Teams", f"{scope_label(scope)}{now}, and every team below")]
    about += [
        ("Only the rows of this requirement" if label == "Requirement" else "Only people in this staff group", value)
        for label, value in filters.words()
    ]
    if not filters:
        about += [("Filters", "None: every requirement and every staff group")]
    if moment is None:
        about += [("As at", f"Now ({made:%-d %B %Y %H:%M}), from the current records")]
    else:
        about += [
            ("As at", f"The end of {moment.day:%-d %B %Y} (UK time)"),
            ("Basis", dict(clocks.CHOICES)[basis]),
            ("What that means", clocks.described(basis)),
        ]
        # As recorded then reads what was recorded by the end of the day (for today, so far); as it was, everything.
        cutoff = min(moment.cutoff, made) if basis == clocks.AS_RECORDED else made
        about += [("Evidence recorded before", f"{timezone.localtime(cutoff):%-d %B %Y %H:%M} (UK time)")]
    about += [("Made", f"{made:%-d %B %Y %H:%M} (UK time)")]
    if made_by is not None:
        about += [("Made by", _made_by(made_by))]
    return about


def _made_by(user) -> str:
    return f"{user.display_name} ({user.email})"


def _invalid(request, form):
    return render(request, "reports/export_error.html", {"form": form}, status=400)
