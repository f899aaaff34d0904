"""Unpublishing a page that a requirement names: the page leaves the site, and the requirement still asks staff to
do it (a module shows to them as "not available yet" and nobody is reminded of it until it is back, a policy is still
attested from its frozen text and reminded of). Nothing stops the unpublish; the editor is told which requirements
still ask, so HR can retire them if staff should no longer be asked, and HR's requirements page marks each one whose
page is off the site, whichever door took it off (the page's Unpublish, the listing's bulk action, the admin API, an
expiry date). An expiry date is told as it is set, since nobody is there when it passes (`publish_scheduled`
unpublishes the page)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import Requirement


def requirements_still_asking(pages) -> list[Requirement]:
    """The requirements in use that name one of `pages`, or a page below one, now off the site, by name."""
    below = Q()
    for page in pages:
        below |= Q(page__path__startswith=page.path)
    if not below:
        return []
    return list(Requirement.objects.filter(below, active=True, page__live=False).order_by("name"))


def unpublish_warning(requirements: list[Requirement], *, named="this page or a page below it", otherwise="") -> str:
    names = ", ".join(f"“{requirement.name}”" for requirement in requirements)
    which = "it names" if len(requirements) == 1 else "they name"
    return (
        f"Staff are still asked to do {names}: {which} {named}. Once it is off the site, staff see a module as not "
        "available yet, and nobody is reminded of it until it is published again (a policy is still attested from "
        "the version last published, and reminded of). If staff should no longer be asked, HR retires the "
        f"requirement on the Requirements page ({reverse('requirements:list')}); "
        f"otherwise {otherwise or 'publish the page again'}."
    )


def expiry_warning(page) -> str:
    """What the editor setting an expiry date on `page` is told: the requirements in use naming it, which will still
    ask staff once it has left the site, or "". Wagtail's expiry unpublishes the page alone, so only those naming the
    page itself. One query."""
    if page.expire_at is None or not page.pk:
        return ""
    requirements = list(Requirement.objects.filter(page_id=page.pk, active=True).order_by("name"))
    if not requirements:
        return ""
    when = timezone.localtime(page.expire_at)
    return (
        f"“{page.title}” is set to leave the site on {when:%-d %B %Y at %H:%M} (its expiry date). "
        + unpublish_warning(requirements, named="this page", otherwise="clear the expiry date")
    )
