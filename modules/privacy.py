"""The CMS's Privacy setting of a page may not shut out the staff a requirement asks to do what it holds.

A password, or "certain groups only", on a module or policy that a requirement in use names, or on a page above it
(the module index), kept out everyone asked who had not been given the password or was not in the groups: staff
were reminded and escalated for a module or policy they could not open, and nothing told them, or the editor, why.
So the Privacy dialog refuses it, naming the requirements; "any logged-in users" is allowed, since everyone signs in
to the portal anyway. Wagtail gives its dialog no hook, so portal/urls.py serves `SetPrivacyView` at its address,
before the admin's own: Wagtail's view, with this form. The other way round, a requirement is refused a page already
restricted (`Requirement.clean`).

An alias has its original's privacy (`Page.get_view_restrictions`), so a restriction on a page reaches the pages
below its aliases too."""

from django.db.models import Q
from django.urls import reverse
from wagtail.admin.forms.pages import PageViewRestrictionForm
from wagtail.admin.views import page_privacy
from wagtail.models import Page, PageViewRestriction

from portal.compliance.models import Requirement

WHAT_IT_DOES = {
    PageViewRestriction.PASSWORD: (
        "a password on this page keeps out everyone asked who has not been given it",
        "cannot be kept behind a password",
    ),
    PageViewRestriction.GROUPS: (
        "keeping this page for certain groups keeps out everyone asked who is not in them",
        "cannot be kept for certain groups only",
    ),
}


def requirements_shut_out(page: Page) -> list[Requirement]:
    """The requirements in use naming `page`, a page below it, or a page below one of its aliases: those whose staff
    a password or group restriction on `page` would keep out. Two queries."""
    paths = Page.objects.filter(Q(pk=page.pk) | Q(alias_of_id=page.pk)).values_list("path", flat=True)
    below = Q()
    for path in paths:
        below |= Q(page__path__startswith=path)
    return list(Requirement.objects.filter(below, active=True).select_related("page").order_by("name"))


def privacy_refusal(page: Page, restriction_type: str) -> str:
    """Why `page` cannot be given a restriction of `restriction_type`, or "" if it can."""
    if restriction_type not in WHAT_IT_DOES:
        return ""
    requirements = requirements_shut_out(page)
    if not requirements:
        return ""
    keeps_out, cannot = WHAT_IT_DOES[restriction_type]
    names = ", ".join(f"“{requirement.name}” (on “{requirement.page.title}”)" for requirement in requirements)
    which = "the requirement" if len(requirements) == 1 else "the requirements"
    return (
        f"“{page.title}” {cannot}: staff are asked to do {names}, and {keeps_out}, with nothing to tell them why. "
        f"Choose “Private, accessible to any logged-in users” instead (everyone signs in to the portal anyway). "
        f"If staff should no longer be asked, HR retires {which} on the Requirements page "
        f"({reverse('requirements:list')}) first. Nothing was changed."
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
