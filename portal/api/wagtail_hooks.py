from wagtail import hooks

from .models import ApiClient


@hooks.register("register_account_records")
def api_clients_name_an_account():
    """A client names who made it, who holds its token and who revoked it (`portal.accounts.deletion`). Deleting the
    holder's account left the client holding no one's token, which the API reads as a client no person was shown
    (made by a command): it kept answering, where closing the account stops it (`ApiClient.holder_lapsed`)."""
    return [
        ("API clients it made", ApiClient.objects.all(), "created_by"),
        ("API client tokens it was shown", ApiClient.objects.all(), "token_shown_to"),
        ("API clients it revoked", ApiClient.objects.all(), "revoked_by"),
    ]
