"""The policies already in the portal that a file being imported as a new policy would repeat: one with its title, or
one with its text, compared as the import reads a file (section by section, as plain text: `policy_sections`)."""

from dataclasses import dataclass

from modules.models import PolicyPage
from modules.policy_import import ParsedSection
from modules.versions import policy_sections, rich_text_to_plain
from portal.compliance.models import PolicySnapshot


@dataclass(frozen=True)
class ExistingPolicy:
    page: PolicyPage  # as it is live, or as it was first saved if it never was
    draft: PolicyPage  # its latest revision: the draft, or the live version when there is none
    same_title: bool
    same_text_as: str | None  # the label of the first of its versions found with the same text; None when none has it

    @property
    def state(self) -> str:
        if not self.page.live:
            return f"a draft of version {self.draft.version_label}, never published"
        if self.page.has_unpublished_changes:
            return f"live as version {self.page.version_label}, with a draft of version {self.draft.version_label}"
        return f"live as version {self.page.version_label}"


def title_key(title: str) -> str:
    """A title as people read it: capitals and spacing aside, “Social media policy” is “Social Media  Policy”."""
    return " ".join(title.split()).casefold()


def parsed_sections(sections: list[ParsedSection]) -> list[dict]:
    """A file's sections as `policy_sections` gives a page's: what versions and attestations compare."""
    return [{"number": s.number, "heading": s.heading, "text": rich_text_to_plain(s.html)} for s in sections]


def policy_list_repeated_by(*, title: str, sections: list[ParsedSection]) -> list[ExistingPolicy]:
    """Each policy page with the title or the text of a file about to be imported as a new policy, by page id. Every
    version counts: the page as it is live (or was first saved), its latest revision (a draft, published or not), and
    each version it has published, so a file imported and published, then changed in the CMS, is still found."""
    wanted_title, wanted_text = title_key(title), parsed_sections(sections)
    snapshots: dict[int, list[PolicySnapshot]] = {}
    for snapshot in PolicySnapshot.objects.filter(page_id__in=PolicyPage.objects.values("pk")).order_by("created_at"):
        snapshots.setdefault(snapshot.page_id, []).append(snapshot)
    found = []
    for page in PolicyPage.objects.select_related("latest_revision").order_by("pk"):
        draft = page.latest_revision.as_object() if page.latest_revision else page
        versions = [
            (draft.version_label, draft.title, policy_sections(draft)),
            (page.version_label, page.title, policy_sections(page)),
            *((s.version_label, s.title, s.sections) for s in snapshots.get(page.pk, [])),
        ]
        same_title = any(title_key(version_title) == wanted_title for _, version_title, _ in versions)
        same_text_as = next((label for label, _, text in versions if text == wanted_text), None)
        if same_title or same_text_as is not None:
            found.append(ExistingPolicy(page=page, draft=draft, same_title=same_title, same_text_as=same_text_as))
    return found
