from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by HR (roster import, demo loader), never by public sign-up."""

    def is_open_for_signup(self, request):
        return False
