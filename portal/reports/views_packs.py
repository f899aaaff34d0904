"""PDF evidence packs: asked for on one page, made in the background, offered for download when ready, and for
PORTAL_PACK_KEEP_DAYS after that (`retention`)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.compliance.dates import end_of_local_day
from portal.lib.stalled import stalled_before

from . import basis as clocks
from .forms import ExportForm, basis_options
from .models import EvidencePack
from .retention import keep_until
from .scope import past_day, teams_on
from .tasks import evidence_pack_build_task


@require_http_methods(["GET", "POST"])
def pack_new(request):
    data = request.POST if request.method == "POST" else request.GET
    form = ExportForm(data)
    # About a past day, a team below the user's today in that day's tree, on the pack's clock.
    day = form.cleaned_data["as_at"] if form.is_valid() else None
    scope, _ = teams_on(request.user, data.get("team"), past_day(day), form.cleaned_data.get("basis", clocks.DEFAULT))
    if len(scope) != 1:
        raise Http404("A pack covers one team (and the teams below it): choose the team.")
    team = scope[0]
    if request.method == "GET" or not form.is_valid():
        status = 400 if form.errors else 200
        context = {"form": form, "scope": scope, "basis_options": basis_options(form)}
        return render(request, "reports/pack_new.html", context, status=status)
    as_at, basis = form.cleaned_data["as_at"], form.cleaned_data["basis"]
    today = timezone.localdate()
    # The cut-off: as recorded then, the end of a past day; as it was (and for today), the moment of asking, so the
    # pack holds everything known then and can be rebuilt exactly later.
    past = as_at and as_at < today
    cutoff = end_of_local_day(as_at) if past and basis == clocks.AS_RECORDED else timezone.now()
    pack = EvidencePack.objects.create(
        team=team, as_at=as_at or today, cutoff=cutoff, basis=basis, requested_by=request.user, **form.filters()
    )
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.EXPORT,
        scope=team.name,
        as_at=pack.as_at,
        format="pdf pack",
        basis=pack.basis,
        # As the pack names them: a requirement by its name on the pack's day, not today's.
        **{label.lower().replace(" ", "_"): value for label, value in pack.filters_named().words()},
    )
    evidence_pack_build_task.enqueue(pack.pk)
    return redirect("exports:pack_detail", pack_id=pack.pk)


def _get_pack_for_user(user, pack_id: int) -> EvidencePack:
    """A pack its requester may still see: theirs, for a team they still may report on (about a past day, by the
    team's place in that day's tree). Anything else is a 404."""
    pack = get_object_or_404(EvidencePack.objects.select_related("team", "requirement"), pk=pack_id, requested_by=user)
    teams_on(user, pack.team_id, past_day(pack.as_at), pack.basis)
    return pack


@require_GET
def pack_detail(request, pack_id: int):
    pack = _get_pack_for_user(request.user, pack_id)
    context = {
        "pack": pack,
        "filters": pack.filters_named(),  # as the pack names them: a requirement by its name on the pack's day
        "keep_until": keep_until(pack),
        "keep_days": settings.PORTAL_PACK_KEEP_DAYS,
    }
    if pack.status == EvidencePack.REMOVED:  # the same pack asked for again: the same team, day, clock and filters
        asked = {"team": pack.team_id, "as_at": pack.as_at.isoformat(), "basis": pack.basis}
        asked |= {"requirement": pack.requirement_id or "", "staff_group": pack.staff_group}
        context["again_query"] = urlencode({name: value for name, value in asked.items() if value})
        context["same_again"] = pack.basis == clocks.AS_RECORDED and pack.cutoff == end_of_local_day(pack.as_at)
    return render(request, "reports/pack_detail.html", context)


@require_GET
def pack_status(request, pack_id: int):
    pack = _get_pack_for_user(request.user, pack_id)
    state = "stalled" if pack.stalled else pack.status  # the page reloads to say so, and to offer to start again
    return JsonResponse(
        {
            "status": state,
            "label": pack.get_status_display(),
            "percent": pack.percent_done,
            "people_done": pack.people_done,
            "people_total": pack.people_total,
        }
    )


@require_POST
def pack_again(request, pack_id: int):
    """Make a pack again whose making failed or stopped (its worker restarted, or none running), from the same
    records up to the same cut-off: one conditional UPDATE, so of two tabs one asks. It numbers the new making: one
    that had only seemed to stop, finishing after all, is overtaken and keeps nothing (`packs.pack_build`)."""
    pack = _get_pack_for_user(request.user, pack_id)
    again = Q(status=EvidencePack.FAILED) | Q(
        status__in=[EvidencePack.QUEUED, EvidencePack.RUNNING], silent_since__lt=stalled_before()
    )
    claimed = (
        EvidencePack.objects.filter(pk=pack.pk)
        .alias(silent_since=Coalesce("progress_at", "requested_at"))
        .filter(again)
        .update(status=EvidencePack.QUEUED, people_done=0, error="", progress_at=timezone.now(), making=F("making") + 1)
    )
    if claimed:
        audit_record(
            request=request,
            actor=request.user,
            action=AuditEvent.EXPORT,
            scope=pack.team.name,
            as_at=pack.as_at,
            format="pdf pack",
            basis=pack.basis,
            again=f"it had {'failed' if pack.status == EvidencePack.FAILED else 'stopped'}",
        )
        evidence_pack_build_task.enqueue(pack.pk)
    else:
        messages.info(request, "This pack is already being made again, or is ready.")
    return redirect("exports:pack_detail", pack_id=pack.pk)


# How each download reads in the audit log ("Exported records (pdf pack, downloaded)").
DOWNLOADED = {"pdf": "pdf pack, downloaded", "csv": "pdf pack's spreadsheet, downloaded"}


def _download(request, pack_id: int, field: str, content_type: str):
    """The pack's file, audited each time it is taken: asking for the pack is audited once, but the file may be
    downloaded again, by its requester, on any day after, and each copy taken away is a copy of the team's records."""
    pack = _get_pack_for_user(request.user, pack_id)
    if pack.status == EvidencePack.REMOVED:
        raise Http404("The pack's files have been removed: ask for it again.")
    if pack.status != EvidencePack.DONE:
        raise Http404("The pack is not ready.")
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.EXPORT,
        scope=pack.team.name,
        as_at=pack.as_at,
        format=DOWNLOADED[field],
        pack_id=pack.pk,
        basis=pack.basis,
    )
    extension = field
    response = FileResponse(
        getattr(pack, field).open("rb"),
        as_attachment=True,
        filename=f"{pack.stem}.{extension}",
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def pack_pdf(request, pack_id: int):
    return _download(request, pack_id, "pdf", "application/pdf")


@require_GET
def pack_csv(request, pack_id: int):
    return _download(request, pack_id, "csv", "text/csv; charset=utf-8")
