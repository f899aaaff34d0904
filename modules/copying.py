"""Whether a page may be copied: a policy may not, nor may a branch holding one be copied with the pages below it.

A copy of a policy is a second policy with the same text, published (with "publish copies") as its own version 1.0:
staff could attest it while the requirements name the first, and staff, requirements and reports tell policies apart
by title. `import_policy` refuses a second policy with a policy's title or text for the same reason; a new version
goes into the same page. Wagtail's copy (the CMS's copy page and the admin API's copy action) adds the pages below the
one copied unchecked, so both doors ask here first (`wagtail_hooks`, `admin_api`)."""

from wagtail.models import Page

from .models import PolicyPage

NEW_VERSION_INSTEAD = (
    "To change a policy, edit it and publish a new version: the new version goes into the same page, and staff "
    "attest it there."
)


def page_copy_refusal(page: Page, *, recursive: bool) -> str:
    """Why `page` (with the pages below it, if `recursive`) cannot be copied, or "" if it can. One query."""
    policies = (
        PolicyPage.objects.descendant_of(page, inclusive=True) if recursive else PolicyPage.objects.filter(pk=page.pk)
    )
    policy = policies.order_by("path").only("title").first()
    if policy is None:
        return ""
    if policy.pk == page.pk:
        return (
            f"“{policy.title}” is a policy and cannot be copied: a copy would be a second policy with the same text "
            f"and a version 1.0 of its own, which staff could attest while requirements and reports name this one. "
            f"{NEW_VERSION_INSTEAD} Nothing was copied."
        )
    return (
        f"{page.title} cannot be copied with the pages below it: it holds the policy “{policy.title}”, and the copy "
        "would be a second policy with the same title and text, and a version 1.0 of its own. Copy the page without "
        f"its subpages. {NEW_VERSION_INSTEAD} Nothing was copied."
    )
