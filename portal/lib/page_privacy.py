"""Wagtail's page privacy (a password, certain groups) as Wagtail judges it when serving a page, for the doors that
act on a page without serving it: the /learn/ posts of a module, the attestation of a policy."""

from django.db.models import Exists
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageViewRestriction


def privacy_to_check(path) -> dict:
    """Annotations saying whether Wagtail's privacy may apply to the page at `path` (an `OuterRef` to a page's path):
    a view restriction on it or on a page above it, or an alias among them (whose restrictions are its original's).
    Read with the page, so a page nobody restricted costs no query to check."""

    def start_of_path(as_long_as):  # equals the path in `as_long_as` for the page itself and each page above it
        return Substr(path, 1, Length(as_long_as))

    return {
        "restricted_above": Exists(PageViewRestriction.objects.filter(page__path=start_of_path("page__path"))),
        "aliased_above": Exists(Page.objects.filter(alias_of__isnull=False, path=start_of_path("path"))),
    }


def restrictions_refusing(request, page) -> list[PageViewRestriction]:
    """The view restrictions on `page` or a page above it that do not let the person in, as Wagtail judges them when
    serving the page (a password given in this session passes its restriction)."""
    return [restriction for restriction in page.get_view_restrictions() if not restriction.accept_request(request)]
