"""Wagtail's page-password door, with a limit on guesses and a line in the audit log for each.

A module or policy can be put behind a password (Wagtail's PageViewRestriction PASSWORD). Wagtail's own view at
/_util/authenticate_with_password/<restriction>/<page>/ took any number of guesses and recorded none, so anyone signed
in could try passwords until a module meant for others opened, and record a completion of it. This view takes its
place at the same address and runs Wagtail's: each password sent counts against allauth's rate limit
`page_password_failed` (ACCOUNT_RATE_LIMITS: 10 wrong passwords an hour per person and restriction) and the right
one is taken back, as a right sign-in password is. Past the limit nothing is checked, the right password included:
the person gets the portal's 429 page, saying why. Each wrong password and each right one is in the audit log, and
the first attempt refused for the limit in each hour, so a flood of refused attempts cannot write a flood of lines.

Wagtail's documents app has a password door of its own, for a collection kept behind a password
(/documents/authenticate_with_password/<restriction>/): `document_password` takes its place the same way, with the
same limit (counted apart from any page's) and audit line.
"""

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods
from wagtail import views as wagtail_views
from wagtail.documents.views import serve as wagtaildocs_serve
from wagtail.models import CollectionViewRestriction, PageViewRestriction

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record

ACTION = "page_password_failed"
REFUSAL_AUDITED_FOR = 60 * 60  # one audit line an hour per person and restriction for attempts refused for the limit


@require_http_methods(["GET", "POST"])
def page_password(request, page_view_restriction_id: int, page_id: int):
    restriction = get_object_or_404(
        PageViewRestriction.objects.select_related("page"),
        pk=page_view_restriction_id,
        restriction_type=PageViewRestriction.PASSWORD,
    )
    if request.method != "POST":
        return wagtail_views.authenticate_with_password(request, restriction.pk, page_id)
    return _limited(
        request,
        key=f"{request.user.pk}|{restriction.pk}",
        check=lambda: wagtail_views.authenticate_with_password(request, restriction.pk, page_id),
        scope=f"the password of the page “{restriction.page.title}”",
        restriction=restriction.pk,
        page=restriction.page_id,
        asked_for_page=page_id,
    )


@require_http_methods(["GET", "POST"])
def document_password(request, restriction_id: int):
    restriction = get_object_or_404(
        CollectionViewRestriction.objects.select_related("collection"),
        pk=restriction_id,
        restriction_type=CollectionViewRestriction.PASSWORD,
    )
    if request.method != "POST":
        return wagtaildocs_serve.authenticate_with_password(request, restriction.pk)
    return _limited(
        request,
        key=f"{request.user.pk}|documents|{restriction.pk}",
        check=lambda: wagtaildocs_serve.authenticate_with_password(request, restriction.pk),
        scope=f"the password of the documents in “{restriction.collection.name}”",
        collection_restriction=restriction.pk,
        collection=restriction.collection_id,
    )


def _limited(request, *, key: str, check, scope: str, **detail):
    """Run Wagtail's `check` of a password sent, within the limit for `key` (a person and a restriction)."""
    attempt = allauth_ratelimit.consume(request, app="allauth.account", action=ACTION, key=key)
    if attempt is None:
        if cache.add(f"portal:page_password_refused:{key}", True, REFUSAL_AUDITED_FOR):
            _audit(request, scope, "refused: too many wrong passwords", detail)
        return render(request, "429.html", {"page_password": True}, status=429)
    response = check()
    if response.status_code == 302:  # Wagtail redirects only once it has let the person in
        attempt.rollback()
        _audit(request, scope, "right", detail)
    else:
        _audit(request, scope, "wrong", detail)
    return response


def _audit(request, scope: str, result: str, detail: dict) -> None:
    audit_record(
        actor=request.user, action=AuditEvent.PAGE_PASSWORD, scope=scope, request=request, result=result, **detail
    )
