"""Wagtail's page privacy (a password, certain groups) as Wagtail judges it when serving a page, for the doors that
act on a page without serving it: the /learn/ posts of a module, the attestation of a policy.

With one difference, which `portal.accounts.wagtail_hooks` makes on the doors Wagtail serves too (pages, documents):
a restriction to certain groups lets a privileged person in (an HR officer, a CMS editor, a superuser, whom Wagtail
lets in whatever the groups) only in a session that proved its second factor (`User.second_factor_owed`). Wagtail
counts superuser status and group membership without the session, so a session that stopped at the password read
a page kept for the HR group, or any group's page as a superuser. Whichever group the restriction names: which
groups are a role's cannot be told from the restriction, so a privileged person proves the code for all of them."""

from django.db.models import Exists
from django.db.models.functions import Length, Substr
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction


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


def second_factor_owed(request) -> bool:
    """The person signed in holds a privileged role and this session has not proved its second factor. No query once
    the session holds its roles (`portal.accounts.session_roles`)."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.second_factor_owed())


def waits_on_second_factor(request, restriction: BaseViewRestriction) -> bool:
    """`restriction` is to certain groups and would let the person in, as Wagtail judges it, but this session has
    not proved the second factor their privileged role needs: it lets them in once they enter the code. It reads the
    restriction's groups: ask it only of a session that owes the code (`second_factor_owed`)."""
    return (
        restriction.restriction_type == BaseViewRestriction.GROUPS
        and second_factor_owed(request)
        and restriction.accept_request(request)
    )


def restrictions_refusing(request, page) -> list[PageViewRestriction]:
    """The view restrictions on `page` or a page above it that do not let the person in, as Wagtail judges them when
    serving the page (a password given in this session passes its restriction), or that wait on the second factor
    (`waits_on_second_factor`). The session is asked about the second factor only for a group's restriction that lets
    the person in: a post to a page nobody restricted neither reads nor writes the session's roles."""
    return [
        restriction
        for restriction in page.get_view_restrictions()
        if not restriction.accept_request(request)
        or (restriction.restriction_type == restriction.GROUPS and second_factor_owed(request))
    ]


def asks_second_factor(request, refusing: list[BaseViewRestriction]) -> bool:
    """The second factor is what keeps the person out of the page `refusing` came from (`restrictions_refusing`), as
    a password not yet given would: a restriction among them lets them in once they enter the code, and any other
    asks for a password. Their page sends them to enter it (and to give the password), and back."""
    waiting = [waits_on_second_factor(request, restriction) for restriction in refusing]
    return any(waiting) and all(
        waits or restriction.restriction_type == restriction.PASSWORD
        for waits, restriction in zip(waiting, refusing, strict=True)
    )
