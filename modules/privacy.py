"""The CMS's Privacy setting of a page may not shut out the staff a requirement asks to do what it holds.

A password, or "certain groups only", on a module or policy that a requirement in use names, or on a page above it
(the module index), kept out everyone asked who had not been given the password or was not in the groups: staff
were reminded and escalated for a module or policy they could not open, and nothing told them, or the editor, why.
So the Privacy dialog refuses it, naming the requirements; "any logged-in users" is allowed, since everyone signs in
to the portal anyway. Wagtail gives its dialog no hook, so portal/urls.py serves `SetPrivacyView` at its address,
before the admin's own: Wagtail's view, with this form. Moving such a page below one kept so is refused the same
way (`move_refusal`: the move page, the listing's bulk move and the admin API's move, `wagtail_hooks`, `admin_api`).
The other way round, a requirement is refused a page already restricted (`Requirement.clean`).

An alias has its original's privacy (`Page.get_view_restrictions`), so a restriction on a page reaches the pages
below its aliases too."""

from django.db.models import Q
from django.urls import reverse
from wagtail.admin.forms.pages import PageViewRestrictionForm
from wagtail.admin.views import page_privacy
from wagtail.models import Page, PageViewRestriction

from portal.compliance.models import Requirement

KEPT = {  # how a restriction keeps the page, and whom of the staff asked it keeps out
    PageViewRestriction.PASSWORD: ("behind a password", "who has not been given it"),
    PageViewRestriction.GROUPS: ("for certain groups only", "who is not in them"),
}
LOGGED_IN_INSTEAD = "“Private, accessible to any logged-in users” (everyone signs in to the portal anyway)"


def _requirements_in_use_below(paths) -> list[Requirement]:
    below = Q()
    for path in paths:
        below |= Q(page__path__startswith=path)
    return list(Requirement.objects.filter(below, active=True).select_related("page").order_by("name"))


def _named(requirements: list[Requirement]) -> str:
    return ", ".join(f"“{requirement.name}” (on “{requirement.page.title}”)" for requirement in requirements)


def requirements_shut_out(page: Page) -> list[Requirement]:
    """The requirements in use naming `page`, a page below it, or a page below one of its aliases: those whose staff
    a password or group restriction on `page` would keep out. Two queries."""
    return _requirements_in_use_below(
        Page.objects.filter(Q(pk=page.pk) | Q(alias_of_id=page.pk)).values_list("path", flat=True)
    )


def privacy_refusal(page: Page, restriction_type: str) -> str:
    """Why `page` cannot be given a restriction of `restriction_type`, or "" if it can."""
    if restriction_type not in KEPT:
        return ""
    requirements = requirements_shut_out(page)
    if not requirements:
        return ""
    how, who = KEPT[restriction_type]
    which = "the requirement" if len(requirements) == 1 else "the requirements"
    return (
        f"“{page.title}” cannot be kept {how}: staff are asked to do {_named(requirements)}, and everyone asked {who} "
        f"would be kept out, with nothing to tell them why. Choose {LOGGED_IN_INSTEAD} instead. If staff should no "
        f"longer be asked, HR retires {which} on the Requirements page ({reverse('requirements:list')}) first. "
        "Nothing was changed."
    )


def move_refusal(page: Page, new_parent: Page) -> str:
    """Why `page` cannot be moved below `new_parent`, or "": a password or group restriction there (on it or a page
    above it), not already applying where the page is, would keep out the staff of the requirements in use naming
    the page or a page below it."""
    kept = PageViewRestriction.objects.filter(restriction_type__in=KEPT)
    already = kept.filter(pk__in=page.get_parent().get_view_restrictions()).values_list("pk", flat=True)
    there = kept.filter(pk__in=new_parent.get_view_restrictions()).exclude(pk__in=already)
    restriction = there.select_related("page").order_by("page__depth").first()
    requirements = _requirements_in_use_below([page.path]) if restriction else []
    if not requirements:
        return ""
    how, who = KEPT[restriction.restriction_type]
    return (
        f"“{page.title}” cannot be moved below “{new_parent.title}”: “{restriction.page.title}” is kept {how} (its "
        f"Privacy), and staff are asked to do {_named(requirements)}: everyone asked {who} would be kept out. Move it "
        f"elsewhere, or have that page's Privacy set to {LOGGED_IN_INSTEAD} first. Nothing was moved."
    )


class PrivacyForm(PageViewRestrictionForm):
    def __init__(self, *args, page: Page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page

    def clean(self):
        cleaned_data = super().clean()
        refusal = privacy_refusal(self.page, cleaned_data.get("restriction_type", ""))
        if refusal:
            self.add_error("restriction_type", refusal)
        return cleaned_data


class SetPrivacyView(page_privacy.SetPrivacyView):
    form_class = PrivacyForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "page": self.page}


set_privacy = SetPrivacyView.as_view()
