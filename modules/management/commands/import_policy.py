import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from modules.models import HomePage, PolicyAmendment, PolicyPage
from modules.policy_existing import ExistingPolicy, parsed_sections, policy_list_repeated_by
from modules.policy_import import ParsedPolicy, ParsedRevision, PolicyImportError, decode_policy_bytes, parse_policy
from portal.compliance.dates import add_months
from portal.compliance.diff import changed_clauses
from portal.compliance.models import PolicySnapshot
from portal.lib.commands import failure_told
from portal.lib.links import portal_url

DEFAULT_OWNER_TEAM = "Communications and Engagement Team"


class Command(BaseCommand):
    help = (
        "Import a plain-text policy with numbered headings (1. Introduction, 6.2 Best Practice) as a draft policy "
        "page, with its front matter and the rows of its revisions table, and report what was found. Nothing is "
        "published: review the draft in the CMS. A policy with the title or the text of one the portal holds is "
        "refused, naming it: its next version goes in with --into."
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
            "--version",
            "--version-label",
            dest="version_label",
            help="The version label (default 1.0 for a new policy; with --into, required: the new version's number).",
        )
        parser.add_argument(
            "--owner-team",
            help=f"The team that owns a new policy, named to staff on its page (default: {DEFAULT_OWNER_TEAM}).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}. Nothing was changed.") from error
        try:
            parsed = parse_policy(decode_policy_bytes(data))
        except PolicyImportError as error:
            raise CommandError(f"Cannot import {path.name}: {error}") from error
        # Spaces round the number are dropped, as the CMS's version field drops them.
        version_label = (options["version_label"] or "").strip()
        owner_team = _owner_team(options["owner_team"], into=options["into"])

        # The draft is saved in one transaction: a failure part way saves none of it.
        def failed():
            return failure_told(f"Importing {path.name}", kept="Nothing was saved.", traceback=options["traceback"])

        if options["into"]:
            with failed():
                page = _policy_page(options["into"])
            with failed():
                changed, revisions = _policy_version_draft(
                    page=page, parsed=parsed, version_label=version_label, file_name=path.name
                )
            self._report_version(page, parsed, path, changed, revisions, version_label)
            return
        if options["version_label"] is not None and not version_label:
            raise CommandError("--version is empty: give the policy's version number, for example 1.0.")
        title = options["title"] or parsed.title
        if not title:
            raise CommandError(f"{path.name} has no title line before its first heading: give one with --title.")
        with failed():
            parent = _policy_parent(options["parent"])
        with failed():
            page = _policy_draft_create(
                parent=parent,
                parsed=parsed,
                title=title,
                version_label=version_label or "1.0",
                owner_team=owner_team,
                file_name=path.name,
            )
        self._report(page, parsed, path)

    def _report(self, page: PolicyPage, parsed: ParsedPolicy, path: Path):
        self.stdout.write(f"Found {len(parsed.sections)} sections in {path.name}:")
        for section in parsed.sections:
            self.stdout.write(f"  {section.number} {section.heading}")
        self._report_front_matter(parsed, _Revisions(added=parsed.revisions))
        dated = "" if parsed.effective_date else " (the document gives no 'Effective from' date, so today)"
        self.stdout.write(
            f"Created draft policy page {page.pk}: “{page.title}”, version {page.version_label}, effective "
            f"{_long_date(page.effective_date)}{dated}, review by {_long_date(page.next_review_date)}."
        )
        default = " (the default: give --owner-team to name your own, or change it in the CMS before publishing)"
        self.stdout.write(
            f"Owner shown to staff: {page.owner_team}{default if page.owner_team == DEFAULT_OWNER_TEAM else ''}."
        )
        edit_url = portal_url(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        self.stdout.write(f"Review and publish it: {edit_url}")

    def _report_front_matter(self, parsed: ParsedPolicy, revisions: "_Revisions"):
        if parsed.applies_to:
            self.stdout.write(f"Applies to: {parsed.applies_to}.")
        if parsed.related_policies:
            self.stdout.write(f"Related policies: {'; '.join(parsed.related_policies)}.")
        if revisions.added:
            lines = ", ".join(str(row.line) for row in revisions.added)
            self.stdout.write(f"Revisions table: {_rows(len(revisions.added))} added (line {lines}).")
        for row, why in revisions.left_out:
            self.stdout.write(f"Revisions table: line {row.line} left out: {why}.")

    def _report_version(
        self,
        page: PolicyPage,
        parsed: ParsedPolicy,
        path: Path,
        changed: list[str],
        revisions: "_Revisions",
        version_label: str,
    ):
        self.stdout.write(f"Found {len(parsed.sections)} sections in {path.name}.")
        latest = page.latest_snapshot()
        if latest is None:
            self.stdout.write("No version of it is published yet: this is its draft now.")
        elif changed:
            self.stdout.write(f"Changed since the published version: section {', '.join(changed)}.")
        else:
            self.stdout.write(
                f"The text is the same as the published version {latest.version_label}'s: this version changes only "
                "its number, dates, front matter or revisions table."
            )
        self._report_front_matter(parsed, revisions)
        self.stdout.write(
            f"Saved version {version_label} of “{page.title}” (page {page.pk}) as a draft. In the CMS, mark each "
            "changed section material or minor (with a reason for a material one) and publish."
        )
        edit_url = portal_url(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        self.stdout.write(f"Review and publish it: {edit_url}")


def _policy_page(into: str) -> PolicyPage:
    # An id is up to 18 ASCII digits (a 64-bit key): str.isdigit() also passes "²" (which int() refuses) and more
    # digits than SQLite can even look up.
    is_id = into.isascii() and into.isdigit() and len(into) <= 18
    pages = PolicyPage.objects.filter(pk=int(into)) if is_id else PolicyPage.objects.filter(slug=into[:255])
    page = pages.first()
    if page is None:
        raise CommandError(f"There is no policy page with the id or slug “{into}”.")
    return page


@dataclass
class _Revisions:
    added: list[ParsedRevision] = field(default_factory=list)
    left_out: list[tuple[ParsedRevision, str]] = field(default_factory=list)  # (row, why)


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def _amendments(revisions: list[ParsedRevision], file_name: str) -> list[PolicyAmendment]:
    """The revisions table's rows as amendments, each checked as the CMS would; a row that is not valid is refused,
    naming its line."""
    amendments = []
    for row in revisions:
        amendment = PolicyAmendment(
            version=row.version, date=row.date, section=row.section, reason=row.reason, approved_by=row.approved_by
        )
        try:
            amendment.full_clean(exclude=["page", "sort_order"])
        except ValidationError as error:
            problems = "; ".join(
                f"{PolicyAmendment._meta.get_field(name).verbose_name}: {' '.join(messages)}"
                for name, messages in error.message_dict.items()
            )
            raise CommandError(
                f"Cannot import {file_name}: Line {row.line}, in the revisions table: {problems}"
            ) from error
        amendments.append(amendment)
    return amendments


def _revisions_to_add(
    *, draft: PolicyPage, revisions: list[ParsedRevision], version_label: str, effective_date
) -> _Revisions:
    """The rows of the file's revisions table the page does not hold yet. Left out: a row the page already has, and
    a row for a version the portal records itself (each version published after the first, from its snapshot, and
    the version being imported, once it is published), by its version or the date it was published or took effect."""
    held = {(a.date, _words(a.section), _words(a.reason)) for a in draft.amendments.all()}
    published = list(PolicySnapshot.objects.filter(page_id=draft.pk).order_by("created_at", "pk"))[1:]
    recorded_versions = {snapshot.version_label for snapshot in published} | {version_label}
    recorded_dates = {timezone.localdate(s.created_at) for s in published} | {s.effective_date for s in published}
    result = _Revisions()
    for row in revisions:
        if (row.date, _words(row.section), _words(row.reason)) in held:
            result.left_out.append((row, "the page already has this row"))
        elif row.version and row.version in recorded_versions:
            result.left_out.append((row, f"the portal records version {row.version} when it is published"))
        elif not row.version and (row.date in recorded_dates or row.date == effective_date):
            day = f"{row.date.day} {row.date:%B %Y}"
            result.left_out.append((row, f"the portal records the version published or effective on {day}"))
        else:
            result.added.append(row)
    return result


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _front_matter_fields(parsed: ParsedPolicy) -> dict:
    """The page's front-matter fields the file gives (a field it does not give is left as it is)."""
    fields = {
        "applies_to": parsed.applies_to,
        "related_policies": "\n".join(parsed.related_policies),
        "front_matter": parsed.other_front_matter,
    }
    return {name: value for name, value in fields.items() if value}


@transaction.atomic
def _policy_version_draft(
    *, page: PolicyPage, parsed: ParsedPolicy, version_label: str, file_name: str
) -> tuple[list[str], _Revisions]:
    """Save the file as a draft revision of `page`'s next version; the live page is untouched until it is published.
    Returns the sections that changed since the published version, each given a row to answer (material or minor),
    and which rows of the file's revisions table were added."""
    from modules.versions import policy_sections

    _refuse_while_scheduled(page)
    _refuse_while_in_moderation(page)
    draft = page.get_latest_revision_as_object()
    saved = _version_content(draft)
    latest = page.latest_snapshot()
    if not version_label:
        latest_said = f" (the latest published is {latest.version_label})" if latest else ""
        raise CommandError(f"Give the new version's number with --version{latest_said}. Nothing was saved.")
    if latest and version_label == latest.version_label:
        if latest.sections == parsed_sections(parsed.sections):
            raise CommandError(
                f"Version {version_label} of “{page.title}” (page {page.pk}) is already published with the text of "
                f"{file_name}: it was imported and published already, and there is nothing to do. For a new version, "
                "give its number with --version. Nothing was saved."
            )
        raise CommandError(
            f"Version {version_label} is already published: give the new version's number with --version."
        )
    draft.version_label = version_label
    if parsed.effective_date:
        draft.effective_date = parsed.effective_date
        draft.next_review_date = add_months(parsed.effective_date, 12)
    for name, value in _front_matter_fields(parsed).items():
        setattr(draft, name, value)
    revisions = _revisions_to_add(
        draft=draft,
        revisions=parsed.revisions,
        version_label=version_label,
        effective_date=parsed.effective_date,
    )
    draft.amendments = [*draft.amendments.all(), *_amendments(revisions.added, file_name)]
    draft.sections = [
        ("section", {"number": section.number, "heading": section.heading, "body": section.html})
        for section in parsed.sections
    ]
    changed = changed_clauses(latest.sections, policy_sections(draft)) if latest else []
    draft.section_changes = [("change", {"section": number, "change": "", "reason": ""}) for number in changed]
    draft.change_base = latest.content_hash if latest else ""
    draft.reattest_deadline = None
    _refuse_a_version_number_the_page_refuses(draft, file_name)
    if page.has_unpublished_changes and _version_content(draft) == saved and not revisions.added:
        # Saving it again would change nothing but blank the answers (material or minor) given in the CMS since.
        edit_url = portal_url(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        raise CommandError(
            f"Version {version_label} of “{page.title}” (page {page.pk}) is already saved as a draft with the text of "
            f"{file_name}: it was imported already, and there is nothing to do. Review and publish it: {edit_url} "
            "Nothing was saved."
        )
    # Not validated as a whole: the answers are the editor's to give in the CMS, where publishing asks for them.
    draft.save_revision(log_action=True, clean=False)
    return changed, revisions


def _version_content(draft: PolicyPage) -> tuple:
    """What an import sets on a version: its number, dates, front matter and text (not the editor's answers)."""
    from modules.versions import policy_sections

    fields = ("version_label", "effective_date", "next_review_date", "applies_to", "related_policies", "front_matter")
    return (*(getattr(draft, name) for name in fields), policy_sections(draft))


def _refuse_while_scheduled(page: PolicyPage) -> None:
    """The CMS does not let a policy be changed while a version of it waits to go live (Wagtail locks the page until
    then, or until the schedule is cancelled); nor does this door. A draft saved under the schedule would be the page's
    latest revision, answered against the version before the scheduled one."""
    scheduled = page.scheduled_revision
    if scheduled is None:
        return
    go_live = timezone.localtime(scheduled.approved_go_live_at)
    raise CommandError(
        f"Version {scheduled.content.get('version_label', '')} of “{page.title}” is scheduled to go live on "
        f"{go_live:%-d %B %Y} at {go_live:%H:%M}, and the policy cannot be changed before then. Import the next "
        "version once it has gone live, or cancel the scheduled publish (“Cancel scheduled publish” on the policy's "
        "edit page) and import it again. Nothing was saved."
    )


def _refuse_while_in_moderation(page: PolicyPage) -> None:
    """Nor while a version of it awaits approval in a workflow: approving publishes the page's latest revision, so a
    draft saved meanwhile would be published in place of the version the moderator reviewed (and, its questions
    unanswered, fail as it went). The CMS lets only the moderators change the page then."""
    if not page.workflow_in_progress:  # a version sent back for changes is resubmitted through the edit form
        return
    state = page.current_workflow_state
    revision = state.current_task_state.revision if state.current_task_state else page.get_latest_revision()
    submitted = timezone.localdate(state.created_at)
    by = f" by {state.requested_by.get_full_name()}" if state.requested_by else ""
    raise CommandError(
        f"Version {revision.content.get('version_label', '')} of “{page.title}” is awaiting approval "
        f"(“{state.workflow.name}”, submitted{by} on {submitted:%-d %B %Y}), and the policy cannot be changed before "
        "then: approving it publishes the policy's latest revision, which would be this import rather than the "
        "version reviewed. Import the next version once it has been approved, or cancel the workflow (“Cancel "
        "workflow” on the policy's edit page) and import it again. Nothing was saved."
    )


def _refuse_a_version_number_the_page_refuses(draft: PolicyPage, file_name: str) -> None:
    """The version number by the page's own rules, as the CMS checks it when the draft is saved there: one the field
    holds (at most 20 characters), and one no earlier version of this policy had. The rest of the page's checks (each
    changed section answered material or minor) are the editor's to meet in the CMS."""
    problems = []
    try:
        PolicyPage._meta.get_field("version_label").clean(draft.version_label, draft)
    except ValidationError as error:
        problems += error.messages
    try:
        draft.clean()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            problems += error.message_dict.get("version_label", [])
    if problems:
        raise CommandError(
            f"Cannot import {file_name} as version {draft.version_label}: {' '.join(problems)} Nothing was saved."
        )


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _policy_parent(parent_id: int | None) -> Page:
    if parent_id is None:
        home = HomePage.objects.first()
        if home is None:
            raise CommandError(
                "There is no home page to put the policy under. Run python manage.py setup_site first: it creates "
                "the portal's home page."
            )
        return home
    parent = Page.objects.filter(pk=parent_id).specific().first()
    if parent is None:
        raise CommandError(f"There is no page with id {parent_id}.")
    if not PolicyPage.can_create_at(parent):
        raise CommandError(f"“{parent.title}” (page {parent_id}) cannot hold a policy page. Use the home page.")
    return parent


def _owner_team(given: str | None, *, into: str | None) -> str:
    """--owner-team as the page will show it (the default when not given), or refused before anything is saved."""
    if given is None:
        return DEFAULT_OWNER_TEAM
    if into:
        raise CommandError(
            "--owner-team names the owner of a new policy; with --into, change the owner on the policy's page in the "
            "CMS. Nothing was saved."
        )
    owner = given.strip()  # as the CMS's field drops them
    if not owner:
        raise CommandError(
            '--owner-team is empty: give the team that owns the policy, for example --owner-team "Information '
            'Governance Team". Nothing was saved.'
        )
    longest = PolicyPage._meta.get_field("owner_team").max_length
    if len(owner) > longest:
        raise CommandError(
            f"--owner-team is {len(owner)} characters long; a policy page takes at most {longest}. Nothing was saved."
        )
    return owner


@transaction.atomic
def _policy_draft_create(
    *, parent: Page, parsed: ParsedPolicy, title: str, version_label: str, owner_team: str, file_name: str
) -> PolicyPage:
    """Add the policy under `parent` as a draft with one saved revision, as the CMS does for a new page."""
    _new_policies_lock()
    _refuse_a_policy_already_there(title=title, parsed=parsed, file_name=file_name)
    effective = parsed.effective_date or timezone.localdate()
    page = PolicyPage(
        title=title,
        version_label=version_label,
        effective_date=effective,
        next_review_date=add_months(effective, 12),
        owner_team=owner_team,
        live=False,
        **_front_matter_fields(parsed),
        sections=[
            ("section", {"number": section.number, "heading": section.heading, "body": section.html})
            for section in parsed.sections
        ],
    )
    page.amendments = _amendments(parsed.revisions, file_name)
    try:
        parent.add_child(instance=page)
    except ValidationError as error:
        raise CommandError(f"The policy page is not valid: {'; '.join(error.messages)}") from error
    page.save_revision(log_action=True)
    return page


# The first key of a PostgreSQL two-key advisory lock names what it guards (the ledger's locks use another); the second
# key is the one lock of that kind.
_NEW_POLICIES_LOCK = (0x901C1E5, 1)


def _new_policies_lock() -> None:
    """Hold the adding of new policies until the transaction ends, so the check that no policy has the file's title
    or text and the page's creation happen as one: two imports of one file at once (run twice by someone unsure the
    first worked, or by two people) otherwise both find none and both add a page. The policy may go under any parent
    (--parent), so no row stands for "the policies" to lock; a transaction-scoped advisory lock does. On SQLite a
    transaction begins IMMEDIATE, holding the database's one write lock until it ends: nothing more is needed."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", _NEW_POLICIES_LOCK)


def _refuse_a_policy_already_there(*, title: str, parsed: ParsedPolicy, file_name: str) -> None:
    """A new policy takes a title and a text no policy in the portal has. Running the import again, unsure whether it
    worked, would otherwise add a second page with the same title (slug "-2"), and staff could be asked to attest one
    while the requirement names the other. A second policy that is another policy takes a title of its own (--title):
    staff, requirements and reports tell policies apart by their titles."""
    existing = policy_list_repeated_by(title=title, sections=parsed.sections)
    if not existing:
        return
    lines = [_existing_policy_line(policy) for policy in existing]
    first = existing[0].page
    latest = first.latest_snapshot()
    latest_said = f"; the latest published is {latest.version_label}" if latest else ""
    waiting = " (its draft waits to be reviewed and published in the CMS)" if first.has_unpublished_changes else ""
    raise CommandError(
        f"Cannot import {file_name} as a new policy: the portal already has\n"
        + "\n".join(lines)
        + f"\nIf {file_name} is that policy, it was imported already: there is nothing more to do{waiting}. "
        f"If it is the policy's next version, import it with --into {first.pk} --version N (N: the new "
        f"version's number{latest_said}). If it is another policy, give it a title of its own with --title. "
        "Nothing was saved."
    )


def _existing_policy_line(policy: ExistingPolicy) -> str:
    same = []
    if policy.same_title:
        same.append("the same title")
    if policy.same_text_as is not None:
        same.append(f"the same text as its version {policy.same_text_as}")
    edit_url = portal_url(reverse("wagtailadmin_pages:edit", args=[policy.page.pk]))
    return f"  page {policy.page.pk}, “{policy.draft.title}”, {policy.state}, with {' and '.join(same)}: {edit_url}"
