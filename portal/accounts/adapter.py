from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from . import sso


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by HR (roster import, demo loader), never by public sign-up."""

    def is_open_for_signup(self, request):
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on lets in people already on the staff roster, and only them (see portal.accounts.sso).

    Nobody gets an account by signing in: a person is matched to their roster record by verified email the first
    time, then by the provider's `sub` for good; anyone else is refused before anything is written.
    """

    def is_open_for_signup(self, request, sociallogin):
        return False

    def is_auto_signup_allowed(self, request, sociallogin):
        return False

    def get_provider(self, request, provider, client_id=None):
        return sso.with_nonce(super().get_provider(request, provider, client_id=client_id))

    def list_providers(self, request):
        return [sso.with_nonce(provider) for provider in super().list_providers(request)]

    def pre_social_login(self, request, sociallogin):
        sso.admit(request, sociallogin)  # raises ImmediateHttpResponse with a refusal page

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        sso.log_authentication_error(request, provider, error=error, exception=exception)
