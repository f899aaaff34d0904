"""HR's pages: the organisation report, the lists HR acts on, and the audit log."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.people.decorators import hr_required
from portal.people.models import Team

from .forms import OrganisationReportForm
from .organisation import organisation_report


@hr_required
@require_GET
def organisation(request):
    form = OrganisationReportForm(request.GET)
    root = Team.objects.filter(depth=1).order_by("path").first()
    if not form.is_valid() or root is None:
        status = 400 if form.errors else 200
        return render(request, "reports/organisation.html", {"form": form, "report": None}, status=status)
    data = form.cleaned_data
    node = data["team"] or root
    report = organisation_report(
        node,
        as_at=data["as_at"],
        today=timezone.localdate(),
        requirement=data["requirement"],
        staff_group=data["staff_group"],
    )
    filters = {k: v for k, v in request.GET.items() if k in ("requirement", "staff_group", "as_at") and v}
    context = {
        "form": form,
        "report": report,
        "trail": list(node.get_ancestors()),
        "filters": urlencode(filters),
        "export_query": urlencode({**filters, "team": node.pk}),
    }
    return render(request, "reports/organisation.html", context)
