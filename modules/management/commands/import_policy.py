from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from modules.models import HomePage, PolicyPage
from modules.policy_import import PolicyImportError, decode_policy_bytes, parse_policy
from portal.compliance.dates import add_months


class Command(BaseCommand):
    help = "Import a plain-text policy with numbered headings as a draft policy page, and report what was found."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The policy as a text file (UTF-8 or Windows-1252).")
        parser.add_argument("--parent", type=int, help="The id of the page to add it under (default: the home page).")
        parser.add_argument("--title", help="The page title (default: the document's first line).")
        parser.add_argument("--version-label", default="1.0", help="The version label (default 1.0).")
        parser.add_argument("--owner-team", default="Communications and Engagement Team")

    def handle(self, *args, file, parent=None, title=None, version_label="1.0", owner_team="", **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        try:
            policy = parse_policy(decode_policy_bytes(path.read_bytes()))
        except PolicyImportError as error:
            raise CommandError(f"{path.name}: {error}") from error
        parent_page = self._parent(parent)
        effective = policy.effective_date or timezone.localdate()
        with transaction.atomic():
            page = PolicyPage(
                title=title or policy.title,
                version_label=version_label,
                effective_date=effective,
                next_review_date=add_months(effective, 12),
                owner_team=owner_team,
                live=False,
                sections=[
                    ("section", {"number": s.number, "heading": s.heading, "body": s.html}) for s in policy.sections
                ],
            )
            parent_page.add_child(instance=page)
            page.save_revision()
        self.stdout.write(f"Found {len(policy.sections)} sections in {path.name}:")
        for section in policy.sections:
            self.stdout.write(f"  {section.number:<6} {section.heading}")
        effective_note = "" if policy.effective_date else " (no 'Effective from' date found: today used)"
        self.stdout.write(
            f"Created draft policy page {page.pk} “{page.title}”, version {version_label}, effective "
            f"{effective:%d %B %Y}{effective_note}.\nReview and publish it: "
            f"{settings.WAGTAILADMIN_BASE_URL}/cms/pages/{page.pk}/edit/"
        )

    def _parent(self, parent_id: int | None) -> Page:
        if parent_id is None:
            home = HomePage.objects.first()
            if home is None:
                raise CommandError("There is no home page to put the policy under. Run load_demo or create one.")
            return home
        parent = Page.objects.filter(pk=parent_id).first()
        if parent is None:
            raise CommandError(f"There is no page with id {parent_id}.")
        if PolicyPage not in parent.specific_class.allowed_subpage_models():
            raise CommandError(f"“{parent.title}” cannot hold a policy page. Use the home page.")
        return parent
