"""HR's pages: the organisation report, the lists HR acts on, and the audit log."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.compliance.reminder_runs import reminder_run_warning
from portal.people.decorators import hr_required
from portal.people.models import Team

from .basis import described
from .forms import OrganisationReportForm, TrendForm, basis_options
from .list_files import LIST_FILES, list_lines
from .lists import (
    LIST_LIMIT,
    NEW_STARTER_MONTHS,
    capped,
    certificates_waiting,
    never_signed_in,
    new_starters_past_window,
    overdue_by_team,
)
from .organisation import compliance_target, organisation_report
from .tasks import days_keep_task
from .trend import chart
from .trend import trend as trend_points


@hr_required
@require_GET
def organisation(request):
    form = OrganisationReportForm(request.GET)
    root = Team.objects.filter(depth=1).order_by("path").first()
    if not form.is_valid() or root is None:
        status = 400 if form.errors else 200
        context = {
            "form": form,
            "report": None,
            "basis_options": basis_options(form),
            "reminder_warning": reminder_run_warning(),
        }
        return render(request, "reports/organisation.html", context, status=status)
    data = form.cleaned_data
    node = data["team"] or root
    report = organisation_report(
        node,
        as_at=data["as_at"],
        today=timezone.localdate(),
        requirement=data["requirement"],
        staff_group=data["staff_group"],
        basis=data["basis"],
    )
    # The links below keep the day as `as_at=YYYY-MM-DD`, however it was typed (the date boxes or a link).
    given = {**request.GET.dict(), "as_at": data["as_at"].isoformat() if data["as_at"] else ""}
    filters = {k: given[k] for k in ("requirement", "staff_group", "as_at", "basis") if given.get(k)}
    context = {
        "form": form,
        "report": report,
        "trail": list(node.get_ancestors()),
        "filters": urlencode(filters),
        # The downloads and packs keep the day and the clock shown here.
        "export_query": urlencode({**filters, "team": node.pk}),
        "basis_options": basis_options(form),
        "basis_words": described(report.basis),
        "reminder_warning": reminder_run_warning(),  # HR's page: told when the daily reminders are not going out
    }
    return render(request, "reports/organisation.html", context)


@hr_required
@require_GET
def trend(request):
    form = TrendForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "points": None, "basis_options": basis_options(form)}
        return render(request, "reports/trend.html", context, status=400)
    today = timezone.localdate()
    basis = form.cleaned_data["basis"]
    points, missing = trend_points(today, form.cleaned_data["requirement"], basis=basis)
    if missing:
        days_keep_task.enqueue([point.day.isoformat() for point in points if point.figure is None])
    context = {
        "form": form,
        "points": points,
        "missing": missing,
        "chart": chart(points, compliance_target()),
        "target": compliance_target(),
        "basis": basis,
        "basis_words": described(basis),
        "basis_options": basis_options(form),
    }
    return render(request, "reports/trend.html", context)


@hr_required
@require_GET
def lists(request):
    today = timezone.localdate()
    context = {
        "today": today,
        "overdue": capped(overdue_by_team(today)),
        "never_signed_in": capped(never_signed_in(today)),
        "new_starters": capped(new_starters_past_window(today)),
        "certificates": capped(certificates_waiting()),
        "limit": LIST_LIMIT,
        "new_starter_months": NEW_STARTER_MONTHS,
    }
    return render(request, "reports/lists.html", context)


@hr_required
@require_GET
def list_csv(request, name: str):
    """One of the lists whole, as a CSV file (`reports.list_files`); the audit log records who downloaded which."""
    list_file = LIST_FILES.get(name)
    if list_file is None:
        raise Http404("There is no such list.")
    today = timezone.localdate()
    audit_record(
        request=request, actor=request.user, action=AuditEvent.EXPORT, scope=list_file.title, format="csv", list=name
    )
    response = StreamingHttpResponse(list_lines(list_file, today), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{today:%Y-%m-%d}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@hr_required
@require_GET
def audit_log(request):
    page = Paginator(AuditEvent.objects.all(), 50).get_page(request.GET.get("page"))
    kinds = [label for _action, label in AuditEvent.ACTION_CHOICES]  # what the log holds, said on the page
    return render(request, "reports/audit_log.html", {"page": page, "kinds": kinds})
