from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import Resolver404, resolve

from portal.audit.models import AuditEvent
from portal.audit.services import REFUSAL_AUDITED, audit_record
from portal.errors import CSRF_REFUSED
from portal.people.hr_roles import hr_officers_lock

OUR_CODE = ("portal.", "modules.", "quizzes.")


class CmsEditorsOnlyMiddleware:
    """Signed-in people who are not CMS editors get a plain 'not for you' page at /cms/, not a sign-in loop."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith("/cms/")
            and request.user.is_authenticated
            and not request.user.has_perm("wagtailadmin.access_admin")
        ):
            raise PermissionDenied("The content management system is for CMS editors.")
        return self.get_response(request)


class RefusedAccessAuditMiddleware:
    """A signed-in person refused a page of the portal (403), or a record by its number (404: the views do not say
    whether someone else's record exists), is written to the audit log: someone trying others' records shows up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404) and request.user.is_authenticated and self._is_refusal(request, response):
            match = request.resolver_match
            audit_record(
                request=request,
                actor=request.user,
                action=AuditEvent.REFUSED,
                scope=request.path[:300],
                status=response.status_code,
                url_name=match.view_name if match else "",
            )
        return response

    @staticmethod
    def _is_refusal(request, response) -> bool:
        if getattr(request, CSRF_REFUSED, False):
            return False  # a form's out-of-date token (a tab older than a sign-in), not a page refused to the person
        if getattr(request, REFUSAL_AUDITED, False):
            return False  # the view wrote the line itself, naming whose record it was
        match = request.resolver_match
        if match is None:  # refused before any URL was resolved: the Wagtail admin's gate
            return response.status_code == 403 and request.path.startswith("/cms/")
        view = match.func
        if not getattr(view, "__module__", "").startswith(OUR_CODE) or not getattr(view, "login_required", True):
            return False  # someone else's page, or a public one (a verification code that does not exist)
        return response.status_code == 403 or bool(match.args or match.kwargs)


# The CMS's doors that close or delete accounts: the user editor (its Active box), the user's own delete, and the users
# list's bulk actions ("Set active state", delete), whose address names the model.
ACCOUNT_CLOSING_VIEWS = {"wagtailusers_users:edit", "wagtailusers_users:delete", "wagtail_bulk_action"}


def _closes_accounts(request) -> bool:
    if request.method != "POST" or not request.path.startswith("/cms/"):
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    if match.view_name not in ACCOUNT_CLOSING_VIEWS:
        return False
    if match.view_name != "wagtail_bulk_action":
        return True
    model = get_user_model()._meta
    return (match.kwargs.get("app_label"), match.kwargs.get("model_name")) == (model.app_label, model.model_name)


class AccountClosingOneAtATimeMiddleware:
    """A form of the CMS that may close or delete accounts is handled in one transaction holding the HR role's lock
    (`hr_roles.hr_officers_lock`), from the hooks' check that an HR officer who can sign in is left
    (`wagtail_hooks.refuse_closing_the_last_hr_officer` and the others) to Wagtail's save. Wagtail saves in a
    transaction of its own after the hooks, so two Administrators closing the last two officers at the same moment
    both found the other still open, and both saved; now the second waits for the first and is refused. Only these
    few forms, and only when sent: the HR group's row is all that is locked, and the CMS's other pages never wait."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _closes_accounts(request):
            return self.get_response(request)
        with transaction.atomic():
            hr_officers_lock()
            return self.get_response(request)
