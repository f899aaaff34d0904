"""Setting up an authenticator app returns the person to the page they were going to.

allauth's activation page ends on the recovery codes page and forgets where the person was going (an HR officer is
sent to set up an app on their way to an HR page). These subclasses carry `next` through the form and show it as a
"Continue" link under the codes, once the person has seen them. A `next` that leaves the portal is dropped."""

from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from django.urls import reverse
from django.utils.http import urlencode

from portal.lib.links import safe_next


class ActivateAuthenticatorView(ActivateTOTPView):
    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "next": safe_next(self.request)}

    def get_success_url(self) -> str:
        success = super().get_success_url()
        after = safe_next(self.request)
        if success == reverse("mfa_view_recovery_codes"):
            return f"{success}?{urlencode({'next': after})}" if after else success
        return after or success


class RecoveryCodesView(ViewRecoveryCodesView):
    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "continue_to": safe_next(self.request)}


activate_authenticator = ActivateAuthenticatorView.as_view()
recovery_codes = RecoveryCodesView.as_view()
