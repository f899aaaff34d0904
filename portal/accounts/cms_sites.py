"""The Wagtail admin's copy page of a site (/cms/sites/copy/<id>/) only shows the form, filled in; it is sent to the
add page, as the copy pages of requirements, quizzes, banks and questions are. Wagtail's generic copy view fills its
form with the site being copied, that site itself, so a form sent back to the copy page was saved over it (its
hostname, port, root page, "default site" box): the portal served from another root page, or from none, by someone
who may add sites but only view them, past the edit page's permission and logged as an addition.

Wagtail registers its sites viewset itself (wagtail.sites), with no setting to swap it as there is for users and
groups, so portal/urls.py serves this view at the copy page's address, before the admin's own."""

from wagtail.admin.views.generic.models import CopyView
from wagtail.sites.views import SiteViewSet


class ShownOnlyCopyView(CopyView):
    http_method_names = ["get", "head", "options"]


class _SiteViewSetShownOnlyCopy(SiteViewSet):
    """Wagtail's sites viewset, named as Wagtail names it (its URLs, templates and permissions), but never registered:
    only its copy view is served."""

    copy_view_class = ShownOnlyCopyView


site_copy = _SiteViewSetShownOnlyCopy("wagtailsites", url_prefix="sites").copy_view
