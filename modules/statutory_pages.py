"""The three pages the law asks of a public service, as CMS pages: its accessibility statement (the Public Sector
Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018), how it uses people's information
(UK GDPR articles 13 and 14) and the cookies it sets (PECR regulation 6).

Each is a plain ContentPage under the home page whose slug is its address: /accessibility-statement/, /privacy/,
/cookies/. Those addresses are fixed (portal.urls, `views.statutory_page`) because every other page of the portal
needs signing in, and these must be read by anyone, before signing in too; and because they are cited from outside
(the trust's website, letters, the accessibility monitoring body), so a page's title can change and its address not.
As the home page is the site's root, Wagtail's own address for each is the same.

`statutory_pages_create` writes each page missing, with starting text true of this software for an editor to adapt
(templates/modules/statutory/); `manage.py setup_site` and the demo call it. The footer links to those published
(`statutory_pages_live`), and it learns which they are from the cache alone: a page must not pay a query for its
footer. Where the cache does not know (emptied, evicted, or a content page's change not yet committed), the footer
links to all three: the law asks that the accessibility statement be reachable from every page, and a page is
missing only if an editor deleted or moved it, which teaches the cache at once.
"""

import logging
import re
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from portal.accounts.ratelimits import KNOWN_DEVICE_COOKIE, KNOWN_DEVICE_DAYS

from .models import ContentPage, HomePage


@dataclass(frozen=True)
class StatutoryPage:
    slug: str
    title: str  # the page's starting title, and the footer's words for it
    url_name: str

    @property
    def template(self) -> str:
        return f"modules/statutory/{self.url_name}.html"


# In the footer's order, the same on every page (WCAG 2.2, 3.2.6 consistent help).
STATUTORY_PAGES = (
    StatutoryPage("accessibility-statement", "Accessibility statement", "accessibility_statement"),
    StatutoryPage("privacy", "How we use your information", "privacy"),
    StatutoryPage("cookies", "Cookies", "cookies"),
)
BY_SLUG = {page.slug: page for page in STATUTORY_PAGES}


@dataclass(frozen=True)
class Outcome:
    statutory: StatutoryPage
    created: bool
    said: str  # what was done or found, in a line


LIVE_CACHE_KEY = "modules:statutory-pages-live"

logger = logging.getLogger(__name__)


def statutory_page_live(slug: str) -> ContentPage | None:
    """The published page at `slug`'s address, or None; the footer's knowledge of all three is brought up to date
    on the way (`statutory_pages_refresh`)."""
    statutory_pages_refresh()
    return ContentPage.objects.live().filter(slug=slug).first()


def statutory_pages_live() -> list[StatutoryPage]:
    """The statutory pages published, in the footer's order, as the cache knows them: no query, so no page pays for
    its footer (report pages pin their queries; an error page reads no database). Where the cache does not know
    (emptied, evicted, or a change not yet committed), all three: a statutory link is never left out for want of a
    cache entry (the accessibility statement must be reachable from every page); at worst, until the cache learns
    again, one leads to the 404 page of a page an editor has just removed."""
    slugs = cache.get(LIVE_CACHE_KEY)
    if slugs is None:
        return list(STATUTORY_PAGES)
    return [page for page in STATUTORY_PAGES if page.slug in slugs]


def statutory_pages_refresh() -> None:
    """Read which statutory pages are published (one query) and keep it in the cache, with no expiry: done when a
    content page changes, when the web server starts (portal.wsgi), and whenever one of the pages is asked for."""
    slugs = list(ContentPage.objects.live().filter(slug__in=BY_SLUG).values_list("slug", flat=True))
    cache.set(LIVE_CACHE_KEY, slugs, None)


def statutory_pages_refresh_at_start() -> None:
    """`statutory_pages_refresh` as a web server starts: a database not reachable yet, or not migrated, must not stop
    it starting (the footer then leaves the links out until the next refresh)."""
    try:
        statutory_pages_refresh()
    except DatabaseError as error:
        logger.warning("Could not read which statutory pages are published: %s", error)


def statutory_pages_forget(sender=None, instance=None, **kwargs) -> None:
    """Connected (ModulesConfig.ready) to the saving, publishing, unpublishing and deleting of content pages. The
    cache forgets now, so nothing reads a change its transaction may yet undo, and learns again once it commits."""
    if instance is not None and not isinstance(instance, ContentPage):
        return
    cache.delete(LIVE_CACHE_KEY)
    transaction.on_commit(statutory_pages_refresh)


@transaction.atomic
def statutory_pages_create(*, home: HomePage) -> list[Outcome]:
    """Give `home` each statutory page it lacks, published, with the starting text; leave alone any page at one of
    their addresses, whatever an editor has done to it (changed, unpublished, retitled)."""
    outcomes = []
    for statutory in STATUTORY_PAGES:
        existing = home.get_children().filter(slug=statutory.slug).first()
        if existing is None:
            page = home.add_child(
                instance=ContentPage(title=statutory.title, slug=statutory.slug, body=starting_body(statutory))
            )
            page.save_revision().publish()
            said = (
                f"Created the page “{page.title}” at /{page.slug}/ (page {page.pk}), published with starting text: "
                "review it in the CMS."
            )
            outcomes.append(Outcome(statutory, True, said))
        else:
            outcomes.append(Outcome(statutory, False, _kept(statutory, existing)))
    return outcomes


def _kept(statutory: StatutoryPage, page) -> str:
    where = f"“{page.title}” at /{page.slug}/ (page {page.pk})"
    if page.specific_class is not ContentPage:
        return (
            f"Left the page {where} alone, but it is not a plain content page, so it is not served as the "
            f"{statutory.title.lower()}: give it another address in the CMS and run setup_site again."
        )
    if not page.live:
        return f"The page {where} is there but not published: the footer links to it once it is published."
    return f"The page {where} is already there."


def starting_body(statutory: StatutoryPage) -> list[tuple[str, str]]:
    context = {
        "organisation_name": settings.PORTAL_ORGANISATION_NAME,
        "service_name": settings.PORTAL_SERVICE_NAME,
        "base_url": settings.WAGTAILADMIN_BASE_URL,
        "reply_to": parseaddr(settings.PORTAL_REPLY_TO)[1],
        "today": timezone.localdate(),
        "session_idle_minutes": settings.PORTAL_SESSION_IDLE_MINUTES,
        "session_max_hours": settings.PORTAL_SESSION_MAX_HOURS,
        "pack_keep_days": settings.PORTAL_PACK_KEEP_DAYS,
        # The cookies by the names the settings give them (the cookies page names each)
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_cookie_weeks": settings.CSRF_COOKIE_AGE // (7 * 24 * 60 * 60),
        "known_device_cookie": KNOWN_DEVICE_COOKIE,
        "known_device_days": KNOWN_DEVICE_DAYS,
    }
    return [("text", _rich_text(render_to_string(statutory.template, context)))]


_BLOCK_TAG = re.compile(r"\s*(</?(?:h2|h3|p|ul|ol|li)>)\s*")


def _rich_text(html: str) -> str:
    """The template's HTML as Wagtail's rich text keeps it: no line breaks or indents between its blocks, and one
    space for each run of white space within them."""
    return _BLOCK_TAG.sub(r"\1", re.sub(r"\s+", " ", html)).strip()
