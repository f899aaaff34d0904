from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Page, Revision, Site

from modules.models import HomePage
from modules.statutory_pages import statutory_pages_create
from portal.lib.commands import failure_told

HOME_SLUG = "training"


class Command(BaseCommand):
    help = (
        "Set up a fresh install: the portal's empty home page under Wagtail's root, the default site pointing at it "
        "with the host and port of PORTAL_BASE_URL (production settings require it; development falls back to "
        "http://127.0.0.1:8000), its accessibility statement, privacy notice and cookies page, published with "
        "starting text to review, and Wagtail's 'Welcome to your new Wagtail site!' page removed if nobody has "
        "touched it. Running it again changes only what is not yet right, and never a page an editor has."
    )

    def handle(self, *args, **options):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not up to date. Run python manage.py migrate first, then setup_site.")
        with failure_told("Setting up the site", kept="Nothing was changed.", traceback=options["traceback"]):
            done = site_set_up(base_url=settings.WAGTAILADMIN_BASE_URL)  # one transaction
        for line in done:
            self.stdout.write(line)
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        steps = [
            (
                "python manage.py createsuperuser",
                "the first HR officer; signing in asks them to set up an authenticator",
            ),
            (
                "python manage.py sendtestemail YOUR-ADDRESS",
                "check that email works before the roster import emails everyone an invitation (docs/deploy.md)",
            ),
            (f"{base}/hr/imports/", "import the organisation's teams, then the staff roster"),
            (f"{base}/hr/roles/", "give the HR role to people on the roster"),
            (
                f"{base}/cms/users/",
                "make people on the roster CMS editors: Editors write pages, Moderators also publish; give a group the "
                f"quiz permissions at {base}/cms/groups/ (docs/setup.md, step 6)",
            ),
            (
                f"{base}/cms/pages/{HomePage.objects.get().pk}/",
                "review the accessibility statement, 'How we use your information' and 'Cookies': contacts, the Data "
                "Protection Officer, the legal basis and the records policy (docs/setup.md)",
            ),
            (f"{base}/hr/requirements/", "say what staff must do, who must do it and how often"),
            (
                "python manage.py import_policy POLICY.txt",
                "a policy as a draft under the home page, to publish in the CMS",
            ),
            (f"{base}/cms/", "write the policy's modules and quizzes, and publish them (docs/setup.md, step 9)"),
        ]
        self.stdout.write("\nNext (docs/setup.md):")
        for where, what in steps:
            self.stdout.write(f"  {where}\n      {what}")


@dataclass(frozen=True)
class _Address:
    hostname: str
    port: int

    def __str__(self):
        return self.hostname if self.port in (80, 443) else f"{self.hostname}:{self.port}"


def _address(base_url: str) -> _Address:
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise CommandError(
            f"PORTAL_BASE_URL must be the portal's address, e.g. https://training.example.nhs.uk, not {base_url!r}."
        )
    return _Address(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


@transaction.atomic
def site_set_up(*, base_url: str) -> list[str]:
    """Give the portal its home page, with its statutory pages under it (`modules.statutory_pages`), and point the
    default site at it, at `base_url`'s host and port; remove Wagtail's welcome page if it is untouched. Returns what
    was done (or found already done), a line each."""
    address = _address(base_url)
    root = Page.get_first_root_node()
    if root is None:
        raise CommandError("Wagtail's root page is missing: this database was not made by manage.py migrate.")
    done = []
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title=settings.WAGTAIL_SITE_NAME, slug=_free_slug(root)))
        home.save_revision().publish()
        done.append(f"Created the home page “{home.title}” (page {home.pk}).")
    else:
        done.append(f"The home page “{home.title}” (page {home.pk}) is already there.")
    done += [outcome.said for outcome in statutory_pages_create(home=home)]
    done.append(_default_site_point_at(home, address))
    done += _welcome_page_remove(root, home)
    return done


def _free_slug(root: Page) -> str:
    """The home page's slug: Wagtail's welcome page may still hold "home", and a sibling's slug cannot be reused."""
    return HOME_SLUG if not root.get_children().filter(slug=HOME_SLUG).exists() else f"{HOME_SLUG}-portal"


def _default_site_point_at(home: HomePage, address: _Address) -> str:
    site = Site.objects.filter(is_default_site=True).first()
    other = Site.objects.filter(hostname=address.hostname, port=address.port)
    other = other.exclude(pk=site.pk).first() if site else other.first()
    if other is not None:
        # Two sites cannot share a host and port: say which, rather than fail on the database's unique constraint.
        raise CommandError(
            f"Another site, “{other.site_name or other.hostname}”, already answers at {address}. Remove it in the CMS "
            "(Settings, Sites) or set PORTAL_BASE_URL to this portal's own address, then run setup_site again."
        )
    wanted = {"root_page_id": home.pk, "hostname": address.hostname, "port": address.port}
    if site is None:
        Site.objects.create(is_default_site=True, site_name=settings.WAGTAIL_SITE_NAME, **wanted)
        return f"Created the default site: {address} shows the home page."
    changed = {name: value for name, value in wanted.items() if getattr(site, name) != value}
    if not changed:
        return f"The default site already shows the home page at {address}."
    for name, value in changed.items():
        setattr(site, name, value)
    site.save()
    return f"The default site now shows the home page at {address}."


def _welcome_page_remove(root: Page, home: HomePage) -> list[str]:
    """Wagtail's migrations leave a plain page, "Welcome to your new Wagtail site!", under the root. Once the portal
    has its home page it serves no one, so it goes; but only if nobody has used it: an editor who changed it or put
    pages under it keeps their work, and is told."""
    plain = ContentType.objects.get_for_model(Page)
    lines = []
    for page in root.get_children().filter(content_type=plain).exclude(pk=home.pk):
        kept = _in_use(page)
        if kept:
            lines.append(
                f"Left Wagtail's page “{page.title}” (page {page.pk}) in place: {kept}. Delete it in the CMS if "
                "nobody needs it."
            )
        else:
            page.delete()
            lines.append(f"Removed Wagtail's placeholder page “{page.title}”.")
    return lines


def _in_use(page: Page) -> str:
    """Why `page` must stay, or "" if nobody has touched it since Wagtail made it."""
    if page.latest_revision_id is not None or Revision.page_revisions.filter(object_id=str(page.pk)).exists():
        return "it has been edited"
    if page.get_children().exists():
        return "it has pages under it"
    if Site.objects.filter(root_page=page).exists():
        return "another site shows it"  # deleting it would delete that site too
    return ""
