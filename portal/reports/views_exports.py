"""CSV and XLSX exports for managers (their teams) and HR (any team); every one is written to the audit log."""

from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.compliance.asat import Moment

from .exports import csv_lines, export_rows, xlsx_file
from .forms import AsAtForm
from .scope import scope_label, teams_for_request


def _export_request(request, kind: str):
    """(scope, moment, filename stem) for an export, after checking who may ask and the as-at date, and auditing."""
    scope, _ = teams_for_request(request.user, request.GET.get("team"))
    form = AsAtForm(request.GET)
    if not form.is_valid():
        return None, form
    as_at = form.cleaned_data["as_at"]
    label = scope_label(scope)
    audit_record(request=request, actor=request.user, action=AuditEvent.EXPORT, scope=label, as_at=as_at, format=kind)
    stem = f"compliance-{slugify(label)[:60]}-{as_at or timezone.localdate():%Y-%m-%d}"
    return (scope, Moment.end_of(as_at) if as_at else None, stem), form


@require_GET
def export_csv(request):
    parts, form = _export_request(request, "csv")
    if parts is None:
        return _invalid(request, form)
    scope, moment, stem = parts
    response = StreamingHttpResponse(csv_lines(export_rows(scope, moment)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def export_xlsx(request):
    parts, form = _export_request(request, "xlsx")
    if parts is None:
        return _invalid(request, form)
    scope, moment, stem = parts
    response = FileResponse(
        xlsx_file(export_rows(scope, moment), title=scope_label(scope)),
        as_attachment=True,
        filename=f"{stem}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _invalid(request, form):
    return render(request, "reports/export_error.html", {"form": form}, status=400)
