"""Policy versions: the frozen text staff attest to, and what changed between two versions."""

import re
from html import unescape

from django.utils.html import strip_tags

from portal.compliance.diff import section_changes
from portal.compliance.models import PolicySnapshot
from portal.compliance.services import policy_snapshot_create


def rich_text_to_plain(html: str) -> str:
    """Rich text as plain text: paragraphs on their own lines, list items as '- ' bullets."""
    text = re.sub(r"<li[^>]*>", "\n- ", html or "")
    text = re.sub(r"</(p|h[1-6]|li|ul|ol)>|<br\s*/?>", "\n", text)
    text = unescape(strip_tags(text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def policy_sections(page) -> list[dict]:
    return [
        {
            "number": block.value["number"],
            "heading": block.value["heading"],
            "text": rich_text_to_plain(block.value["body"].source if block.value["body"] else ""),
        }
        for block in page.sections
    ]


def policy_snapshot_for_page(
    page, *, material: bool = True, change_reason: str = "", changes: list[dict] | None = None, user=None
) -> PolicySnapshot:
    """The snapshot of the page's current version, creating it if this version has not been frozen yet: a new number,
    new text or a new title (staff attest to the policy by its title too; the CMS asks for a new number for either,
    `PolicyPage._clean_version_change`)."""
    sections = policy_sections(page)
    latest = PolicySnapshot.objects.filter(page_id=page.pk).order_by("-created_at", "-pk").first()
    if latest and (latest.version_label, latest.sections, latest.title) == (page.version_label, sections, page.title):
        return latest
    return policy_snapshot_create(
        page=page,
        version_label=page.version_label,
        effective_date=page.effective_date,
        title=page.title,
        sections=sections,
        material=material,
        change_reason=change_reason,
        changes=changes,
        created_by=user,
    )


def version_changes(page, previous: PolicySnapshot | None) -> list[dict]:
    """Each section changed since `previous`, with the editor's answer for this version: exactly what they chose,
    or an empty answer when they gave none (a scheduled publish of a page never asked)."""
    if previous is None:
        return []
    declared = page.declared_changes(previous)
    return [
        {
            "number": change.number,
            "heading": change.heading,
            "kind": change.kind,
            "change": declared.get(change.number, {}).get("change", ""),
            "reason": declared.get(change.number, {}).get("reason", ""),
        }
        for change in section_changes(previous.sections, policy_sections(page))
    ]


def material_reason(changes: list[dict]) -> str:
    """The reasons staff see for re-attesting: one line per materially changed section."""
    return "\n".join(f"Section {c['number']}: {c['reason']}" for c in changes if c["change"] == "material")
