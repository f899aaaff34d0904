import functools

from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from modules import views as module_views
from modules.privacy import set_privacy
from modules.statutory_pages import STATUTORY_PAGES
from portal.accounts import views as account_views
from portal.accounts import views_mfa, views_password, views_session
from portal.accounts.cms_sites import site_copy
from portal.accounts.email_address import sign_in_email
from portal.accounts.page_password import document_password, page_password
from portal.lib import converters  # noqa: F401  (registers <id:...>)


def cms_view(view):
    """A view of the portal's served at a Wagtail admin address, before the admin's own: with the admin's check, as
    the admin gives its own URLs, and the view's own name, module and class, as the URL tests read them."""
    return functools.update_wrapper(require_admin_access(view), view)


urlpatterns = [
    # One door in: Wagtail's own sign-in and password-reset pages send people to allauth's (portal.accounts.views).
    path("cms/login/", account_views.cms_sign_in, name="cms_sign_in"),
    re_path(r"^cms/password_reset/", account_views.cms_password_reset, name="cms_password_reset"),
    path("_util/login/", account_views.page_sign_in, name="page_sign_in"),
    # Wagtail's password on a page, with a limit on guesses and each one audited (portal.accounts.page_password)
    path(
        "_util/authenticate_with_password/<id:page_view_restriction_id>/<id:page_id>/",
        page_password,
        name="page_password",
    ),
    # Before the admin's copy page of a site: it only shows the form, sent to the add page (portal.accounts.cms_sites)
    path("cms/sites/copy/<int:pk>/", cms_view(site_copy), name="cms_site_copy"),
    # Before the admin's Privacy dialog of a page: it refuses to shut out the staff a requirement asks (modules.privacy)
    path("cms/pages/<int:page_id>/privacy/", cms_view(set_privacy), name="cms_page_privacy"),
    path("cms/", include(wagtailadmin_urls)),
    # The same for a collection of documents kept behind a password: Wagtail's documents app has its own door
    path(
        "documents/authenticate_with_password/<id:restriction_id>/",
        document_password,
        name="document_password",
    ),
    path("documents/", include(wagtaildocs_urls)),
    # Before allauth's page at this address: the sign-in email is shown, never changed (portal.accounts.email_address).
    path("accounts/email/", sign_in_email, name="account_email"),
    # Before allauth's pages at these addresses: setting up an app returns the person where they were going.
    path("accounts/2fa/totp/activate/", views_mfa.activate_authenticator, name="mfa_activate_totp"),
    path("accounts/2fa/recovery-codes/", views_mfa.recovery_codes, name="mfa_view_recovery_codes"),
    # Before allauth's page: setting a first password needs the person to have proved who they are moments before.
    path("accounts/password/set/", views_password.password_set, name="account_set_password"),
    # "Stay signed in", from the warning before a session ends for want of activity (portal.accounts.views_session)
    path("accounts/session/keep/", views_session.session_keep, name="session_keep"),
    path("accounts/", include("allauth.urls")),
    # The accessibility statement, the privacy notice and the cookies page: public, at fixed addresses
    # (modules.statutory_pages says why)
    *[
        path(f"{page.slug}/", module_views.statutory_page, {"slug": page.slug}, name=page.url_name)
        for page in STATUTORY_PAGES
    ],
    path("learn/", include("modules.urls")),
    path("attest/", include("portal.compliance.urls_attestation")),
    path("certificates/", include("portal.compliance.urls_certificates")),
    path("hr/imports/", include("portal.compliance.urls_imports")),
    # Where the roster and completions imports were before they shared one set of pages (bookmarks, docs)
    path("hr/people/roster/", RedirectView.as_view(url="/hr/imports/roster/")),
    path("hr/completions/", RedirectView.as_view(url="/hr/imports/completions/")),
    path("hr/evidence/", include("portal.compliance.urls_corrections")),
    path("hr/pauses/", include("portal.compliance.urls_pauses")),
    path("hr/requirements/", include("portal.compliance.urls_requirements")),
    path("hr/organisation/", include("portal.compliance.urls_organisation")),
    path("hr/roles/", include("portal.people.urls_roles")),
    path("hr/api-clients/", include("portal.api.urls_clients")),
    path("api/v1/", include("portal.api.urls")),
    path("hr/reports/", include("portal.reports.urls_hr")),
    path("exports/", include("portal.reports.urls_exports")),
    path("", include("portal.reports.urls")),
    path("", include(wagtail_urls)),
]

# A request Django will not read (another host name, too many fields, an upload cut short): the portal's own page
# (portal.errors), not Django's bare "Bad Request (400)".
handler400 = "portal.errors.bad_request"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
