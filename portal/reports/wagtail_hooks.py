from wagtail import hooks

from .models import DailyFigure, EvidencePack


@hooks.register("register_account_records")
def evidence_packs_name_an_account():
    """A pack names who asked for it (`portal.accounts.deletion`)."""
    return [("evidence packs it requested", EvidencePack.objects.all(), "requested_by")]


@hooks.register("register_requirement_records")
def kept_figures_name_a_requirement():
    """A day's kept figures are what reports of it said and go on saying (`portal.compliance.requirement_reads`)."""
    return [("figures kept for past days' reports", DailyFigure.objects.all(), "requirement")]
