"""django-csp's middleware, with a policy of its own for the Wagtail admin.

The portal's pages run under settings.CONTENT_SECURITY_POLICY; the admin's (settings.PORTAL_CMS_CONTENT_SECURITY_POLICY,
for the paths under its URL_PREFIXES) allows what Wagtail's own pages need and the portal's do not. One middleware
choosing by path rather than a decorator on each view: the admin's views are Wagtail's, and a new one cannot be
missed.

A preview is the portal's page, rendered by Wagtail through the whole middleware chain again for a stand-in request
at the page's own address (`request.is_dummy`), and shown in the page editor's preview panel, a frame of the admin:
it keeps the portal's policy, but the admin may frame it. Without that its policy says frame-ancestors 'none' and
the browser shows an empty panel.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings

PREVIEW_FRAMED_BY = {"frame-ancestors": ["'self'"]}


class PathPolicyCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None:
            return parts
        cms = settings.PORTAL_CMS_CONTENT_SECURITY_POLICY
        if getattr(request, "is_dummy", False):
            parts.replace = {**(parts.replace or {}), **PREVIEW_FRAMED_BY}
        elif request.path_info.startswith(tuple(cms["URL_PREFIXES"])):
            parts.config = default_config(cms["DIRECTIVES"])
        return parts
