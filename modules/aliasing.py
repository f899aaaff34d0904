"""Whether a page may be aliased: a policy may not (`PolicyPage.ALIAS_REFUSED`), nor may a branch holding one be
aliased whole. Wagtail checks the page aliased as its alias is added (`PolicyPage.clean`) and adds the pages below it
unchecked, so the CMS's alias doors ask here first (`wagtail_hooks`, `admin_api`); `PolicyPage.save` refuses one
that reaches the database another way."""

from wagtail.models import Page

from .models import PolicyPage


def page_alias_refusal(page: Page, *, recursive: bool) -> str:
    """Why `page` (with the pages below it, if `recursive`) cannot be aliased, or "" if it can. One query."""
    policies = (
        PolicyPage.objects.descendant_of(page, inclusive=True) if recursive else PolicyPage.objects.filter(pk=page.pk)
    )
    policy = policies.order_by("path").only("title").first()
    if policy is None:
        return ""
    where = "" if policy.pk == page.pk else f" {page.title} holds the policy {policy.title}."
    return f"{PolicyPage.ALIAS_REFUSED}{where}"
