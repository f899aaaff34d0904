"""Whether a page may be aliased: a policy may not (`PolicyPage.ALIAS_REFUSED`), nor a module
(`ModulePage.ALIAS_REFUSED`), nor may a branch holding either be aliased whole. Wagtail checks the page aliased as its
alias is added (`clean`) and adds the pages below it unchecked, so the CMS's alias doors ask here first
(`wagtail_hooks`, `admin_api`); each model's `save` refuses one that reaches the database another way.

Aliases of a module made before they were refused are kept out of the learning flow: `ModulePage.serve` sends their
visitors to the module, the views take no answers or attempts on them (`alias_refusal`), the lists leave them out
(`progress`), and a completion counts for a requirement that named one (`services`)."""

from wagtail.models import Page

from .models import ModulePage, PolicyPage


def page_alias_refusal(page: Page, *, recursive: bool) -> str:
    """Why `page` (with the pages below it, if `recursive`) cannot be aliased, or "" if it can. Two queries."""
    for model, kind in ((PolicyPage, "policy"), (ModulePage, "module")):
        pages = model.objects.descendant_of(page, inclusive=True) if recursive else model.objects.filter(pk=page.pk)
        found = pages.order_by("path").only("title").first()
        if found is not None:
            where = "" if found.pk == page.pk else f" {page.title} holds the {kind} {found.title}."
            return f"{model.ALIAS_REFUSED}{where}"
    return ""


def alias_refusal(page: ModulePage) -> str:
    """What a person sent to work on an alias of a module made before they were refused is told, or "" for a module
    itself."""
    if not page.alias_of_id:
        return ""
    return (
        f"“{page.title}” is a copy of this module kept in the CMS, and work on the copy does not count: work on it "
        "here. Nothing was recorded."
    )
