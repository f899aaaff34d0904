"""Whether a page can be deleted: the evidence and requirements that name it, or a page below it, hold it.

The rows that hold a page protect it in the database (a snapshot, a module's completion, a quiz attempt, a scenario
answer, a requirement, a module's policy: on_delete=PROTECT), so a delete that reached them fails with a server
error. Every door the CMS offers (the page's own delete, the bulk delete, the admin API's delete action) asks here
first (`wagtail_hooks`, `admin_api`) and refuses with the reason.
"""

from wagtail.models import Page

from portal.compliance.models import EvidenceEntry, PolicySnapshot, Requirement
from quizzes.models import Attempt

from .models import ModuleCompletion, ModulePage, ScenarioResponse


def page_deletion_refusal(page: Page) -> str:
    """Why `page` cannot be deleted with the pages below it (which a delete takes too), or "" if nothing holds it.

    Names the first holder found, the weightiest first: attestations, then a version frozen, completions, quiz
    attempts, scenario answers, a requirement, a module teaching a policy in the branch. At most seven queries."""
    branch = Page.objects.descendant_of(page, inclusive=True).values("pk")
    attested = (
        EvidenceEntry.objects.filter(snapshot__page_id__in=branch)
        .select_related("snapshot")
        .order_by("-snapshot__created_at")
        .first()
    )
    if attested:
        version = attested.snapshot
        policy = _name(version.page_id, version.title, page, "policy")
        return f"Version {version.version_label} of {policy} has attestations recorded against it"
    snapshot = PolicySnapshot.objects.filter(page_id__in=branch).order_by("-created_at").first()
    if snapshot:
        policy = _name(snapshot.page_id, snapshot.title, page, "policy")
        return f"Version {snapshot.version_label} of {policy} was published, and its text is kept as staff saw it"
    completion = ModuleCompletion.objects.filter(page_id__in=branch).select_related("page").first()
    if completion:
        return f"{_name(completion.page_id, completion.page.title, page, 'module')} has completions recorded against it"
    attempt = Attempt.objects.filter(page_id__in=branch).select_related("page").first()
    if attempt:
        return f"{_name(attempt.page_id, attempt.page.title, page, 'module')} has quiz attempts recorded against it"
    answer = ScenarioResponse.objects.filter(page_id__in=branch).select_related("page").first()
    if answer:
        return f"{_name(answer.page_id, answer.page.title, page, 'module')} has scenario answers recorded against it"
    requirement = Requirement.objects.filter(page_id__in=branch).select_related("page").first()
    if requirement:
        held = _name(requirement.page_id, requirement.page.title, page, "page")
        return f"the requirement “{requirement.name}” is for {held}"
    module = ModulePage.objects.filter(policy_id__in=branch).select_related("policy").first()
    if module:
        return f"the module “{module.title}” teaches {_name(module.policy_id, module.policy.title, page, 'policy')}"
    return ""


def page_deletion_refused_message(page: Page, reason: str) -> str:
    return (
        f"“{page.title}” cannot be deleted: {reason}. What staff saw and did stays on record with the page it "
        "names. To take it off the site, unpublish it."
    )


def _name(pk: int, title: str, page: Page, kind: str) -> str:
    """The page holding it: "this policy" when it is the page being deleted, else its title."""
    return f"this {kind}" if pk == page.pk else f"“{title}”"
