from wagtail import hooks

from .models import EvidencePack


@hooks.register("register_account_records")
def evidence_packs_name_an_account():
    """A pack names who asked for it (`portal.accounts.deletion`)."""
    return [("evidence packs it requested", EvidencePack.objects.all(), "requested_by")]
