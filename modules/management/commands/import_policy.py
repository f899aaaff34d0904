import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from modules.models import HomePage, PolicyPage
from modules.policy_import import ParsedPolicy, PolicyImportError, decode_policy_bytes, parse_policy
from portal.compliance.dates import add_months
from portal.compliance.diff import changed_clauses

DEFAULT_OWNER_TEAM = "Communications and Engagement Team"


class Command(BaseCommand):
    help = (
        "Import a plain-text policy with numbered headings (1. Introduction, 6.2 Best Practice) as a draft policy "
        "page, and report the sections found. Nothing is published: review the draft in the CMS."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version is the policy's version here, so it replaces Django's "show Django's version" option.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="The policy as a text file (UTF-8 or Windows-1252).")
        parser.add_argument("--parent", type=int, help="The id of the page to add it under (default: the home page).")
        parser.add_argument(
            "--into",
            help="The id or slug of an existing policy page: the file becomes its next version, as a draft, with a row "
            "for each changed section to mark material or minor in the CMS before publishing.",
        )
        parser.add_argument("--title", help="The page title (default: the document's first line).")
        parser.add_argument(
            "--version", "--version-label", dest="version_label", default="1.0", help="The version label (default 1.0)."
        )
        parser.add_argument("--owner-team", default=DEFAULT_OWNER_TEAM, help=f"Default: {DEFAULT_OWNER_TEAM}.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        try:
            parsed = parse_policy(decode_policy_bytes(path.read_bytes()))
        except PolicyImportError as error:
            raise CommandError(f"Cannot import {path.name}: {error}") from error
        if options["into"]:
            page = _policy_page(options["into"])
            changed = _policy_version_draft(page=page, parsed=parsed, version_label=options["version_label"])
            self._report_version(page, parsed, path, changed)
            return
        title = options["title"] or parsed.title
        if not title:
            raise CommandError(f"{path.name} has no title line before its first heading: give one with --title.")
        page = _policy_draft_create(
            parent=_policy_parent(options["parent"]),
            parsed=parsed,
            title=title,
            version_label=options["version_label"],
            owner_team=options["owner_team"],
        )
        self._report(page, parsed, path)

    def _report(self, page: PolicyPage, parsed: ParsedPolicy, path: Path):
        self.stdout.write(f"Found {len(parsed.sections)} sections in {path.name}:")
        for section in parsed.sections:
            self.stdout.write(f"  {section.number} {section.heading}")
        dated = "" if parsed.effective_date else " (the document gives no 'Effective from' date, so today)"
        self.stdout.write(
            f"Created draft policy page {page.pk}: “{page.title}”, version {page.version_label}, effective "
            f"{_long_date(page.effective_date)}{dated}, review by {_long_date(page.next_review_date)}."
        )
        edit_url = settings.WAGTAILADMIN_BASE_URL + reverse("wagtailadmin_pages:edit", args=[page.pk])
        self.stdout.write(f"Review and publish it: {edit_url}")

    def _report_version(self, page: PolicyPage, parsed: ParsedPolicy, path: Path, changed: list[str]):
        self.stdout.write(f"Found {len(parsed.sections)} sections in {path.name}.")
        if changed:
            self.stdout.write(f"Changed since the published version: section {', '.join(changed)}.")
        else:
            self.stdout.write("The text is the same as the published version's.")
        self.stdout.write(
            f"Saved version {page.version_label} of “{page.title}” (page {page.pk}) as a draft. In the CMS, mark each "
            "changed section material or minor (with a reason for a material one) and publish."
        )
        edit_url = settings.WAGTAILADMIN_BASE_URL + reverse("wagtailadmin_pages:edit", args=[page.pk])
        self.stdout.write(f"Review and publish it: {edit_url}")


def _policy_page(into: str) -> PolicyPage:
    pages = PolicyPage.objects.filter(pk=int(into)) if into.isdigit() else PolicyPage.objects.filter(slug=into)
    page = pages.first()
    if page is None:
        raise CommandError(f"There is no policy page with the id or slug “{into}”.")
    return page


@transaction.atomic
def _policy_version_draft(*, page: PolicyPage, parsed: ParsedPolicy, version_label: str) -> list[str]:
    """Save the file as a draft revision of `page`'s next version; the live page is untouched until it is published.
    Returns the sections that changed since the published version, each given a row to answer (material or minor)."""
    from modules.versions import policy_sections

    draft = page.get_latest_revision_as_object()
    latest = page.latest_snapshot()
    if latest and version_label == latest.version_label:
        raise CommandError(
            f"Version {version_label} is already published: give the new version's number with --version."
        )
    draft.version_label = version_label
    if parsed.effective_date:
        draft.effective_date = parsed.effective_date
        draft.next_review_date = add_months(parsed.effective_date, 12)
    draft.sections = [
        ("section", {"number": section.number, "heading": section.heading, "body": section.html})
        for section in parsed.sections
    ]
    changed = changed_clauses(latest.sections, policy_sections(draft)) if latest else []
    draft.section_changes = [("change", {"section": number, "change": "", "reason": ""}) for number in changed]
    draft.change_base = latest.content_hash if latest else ""
    draft.reattest_deadline = None
    # Not validated here: the answers are the editor's to give in the CMS, where publishing asks for them.
    draft.save_revision(log_action=True, clean=False)
    return changed


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _policy_parent(parent_id: int | None) -> Page:
    if parent_id is None:
        home = HomePage.objects.first()
        if home is None:
            raise CommandError("There is no home page to put the policy under. Create one first (load_demo does).")
        return home
    parent = Page.objects.filter(pk=parent_id).specific().first()
    if parent is None:
        raise CommandError(f"There is no page with id {parent_id}.")
    if not PolicyPage.can_create_at(parent):
        raise CommandError(f"“{parent.title}” (page {parent_id}) cannot hold a policy page. Use the home page.")
    return parent


@transaction.atomic
def _policy_draft_create(
    *, parent: Page, parsed: ParsedPolicy, title: str, version_label: str, owner_team: str
) -> PolicyPage:
    """Add the policy under `parent` as a draft with one saved revision, as the CMS does for a new page."""
    effective = parsed.effective_date or timezone.localdate()
    page = PolicyPage(
        title=title,
        version_label=version_label,
        effective_date=effective,
        next_review_date=add_months(effective, 12),
        owner_team=owner_team,
        live=False,
        sections=[
            ("section", {"number": section.number, "heading": section.heading, "body": section.html})
            for section in parsed.sections
        ],
    )
    try:
        parent.add_child(instance=page)
    except ValidationError as error:
        raise CommandError(f"The policy page is not valid: {'; '.join(error.messages)}") from error
    page.save_revision(log_action=True)
    return page
