"""HR sees the re-attestation rounds material policy changes opened, and withdraws one opened in error. Under /hr/,
so only an HR session that proved its second factor gets in. The withdrawal goes through
`services.reattestation_round_withdraw`."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portal.lib.forms import RecordedReasonField
from portal.people.decorators import hr_required

from .models import PolicySnapshot, ReattestationRound
from .services import RoundError, reattestation_round_withdraw


class RoundWithdrawForm(forms.Form):
    reason = RecordedReasonField(
        label="Why was this round opened in error?",
        help_text="For example, the change to section 6.2 was a correction of wording, not a new rule. HR sees this "
        "reason in the list of rounds and in the audit log.",
        required_message="Give the reason for withdrawing the round",
    )


def _rounds():
    return ReattestationRound.objects.select_related(
        "requirement", "snapshot", "opened_by", "withdrawal", "withdrawal__withdrawn_by"
    )


@hr_required
@require_GET
def round_list(request):
    rounds = list(_rounds().order_by("-opened_at", "-pk"))
    _versions_not_asked_again(rounds)
    return render(request, "compliance/round_list.html", {"rounds": rounds, "today": timezone.localdate()})


def _versions_not_asked_again(rounds) -> None:
    """Sets on each round the labels of the earlier versions whose attesters it does not ask again
    (`ReattestationRound.not_asked_again`), oldest first: one query for all, none when no round keeps any."""
    kept = {pk for round_ in rounds for pk in round_.not_asked_again}
    labels = dict(PolicySnapshot.objects.filter(pk__in=kept).values_list("pk", "version_label")) if kept else {}
    for round_ in rounds:
        round_.labels_not_asked_again = [labels[pk] for pk in sorted(round_.not_asked_again) if pk in labels]


@hr_required
@require_http_methods(["GET", "POST"])
def round_withdraw(request, round_id: int):
    round_ = get_object_or_404(_rounds(), pk=round_id)
    withdrawal = getattr(round_, "withdrawal", None)  # None when there is none (a reverse one-to-one)
    if withdrawal is not None and request.method == "POST":  # a second click
        messages.warning(request, "This round was already withdrawn. Nothing more was recorded.")
        return redirect("requirements:rounds")
    form = RoundWithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            reattestation_round_withdraw(
                round_=round_, reason=form.cleaned_data["reason"], user=request.user, request=request
            )
        except RoundError as error:  # another HR officer withdrew it meanwhile
            messages.warning(request, str(error))
        else:
            messages.success(
                request,
                f"The round for {round_.requirement.name} is withdrawn. It asks nothing of anyone from now on: "
                "everyone's status is updated to match (for many people, by the task worker within minutes).",
            )
        return redirect("requirements:rounds")
    context = {"round": round_, "withdrawal": withdrawal, "form": form, "today": timezone.localdate()}
    return render(request, "compliance/round_withdraw.html", context, status=400 if form.errors else 200)
