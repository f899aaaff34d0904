"""`manage.py setup_site` on a fresh install: the portal's home page, the default site at PORTAL_BASE_URL's host, and
Wagtail's welcome page removed only if nobody touched it; run again, it changes nothing. Then `import_policy`, the
next documented step, has somewhere to put a policy."""

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision, Site

from modules.models import HomePage, PolicyPage
from tests import factories
from tests.settings.test_cache_deploy_check import manage

WELCOME = "Welcome to your new Wagtail site!"


@pytest.fixture
def fresh_install(db, settings):
    """The database as `migrate` leaves it: Wagtail's root, its welcome page, and the default site showing it."""
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"
    factories.ensure_wagtail_rows()
    root = Page.get_first_root_node()
    welcome = root.get_children().filter(title=WELCOME).first()
    if welcome is None:  # a transactional test before this one flushed the migration's rows
        welcome = root.add_child(instance=Page(title=WELCOME, slug="home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": welcome, "hostname": "localhost", "port": 80}
    )
    assert not HomePage.objects.exists()
    return welcome


def _setup_site() -> str:
    out = StringIO()
    call_command("setup_site", stdout=out)
    return out.getvalue()


def _snapshot() -> dict:
    return {
        "pages": sorted(Page.objects.values_list("pk", "title", "live")),
        "sites": sorted(Site.objects.values_list("pk", "hostname", "port", "root_page_id", "is_default_site")),
        "revisions": Revision.objects.count(),
    }


def test_a_fresh_install_gets_a_published_home_page_served_at_the_portals_address(fresh_install, client):
    report = _setup_site()

    home = HomePage.objects.get()
    assert home.live and home.get_parent().is_root() and home.latest_revision is not None
    site = Site.objects.get(is_default_site=True)
    assert (site.root_page_id, site.hostname, site.port) == (home.pk, "training.example.nhs.uk", 443)
    assert not Page.objects.filter(pk=fresh_install.pk).exists()
    assert f"Created the home page “{home.title}” (page {home.pk})." in report
    assert "The default site now shows the home page at training.example.nhs.uk." in report
    assert f"Removed Wagtail's placeholder page “{WELCOME}”." in report
    next_steps = report.split("Next (docs/setup.md):")[1]
    for step in ("createsuperuser", "/hr/imports/", "/hr/roles/", "/cms/users/", "/hr/requirements/", "import_policy"):
        assert step in next_steps, step
    assert "https://training.example.nhs.uk/hr/imports/" in next_steps
    factories.sign_in(client, factories.make_staff().user)
    assert client.get("/", HTTP_HOST="training.example.nhs.uk").status_code == 200


def test_the_next_step_import_policy_then_finds_the_home_page(fresh_install, tmp_path):
    _setup_site()
    policy = tmp_path / "policy.txt"
    policy.write_text("Kindness Policy\n\n1. Purpose\n\nBe kind.\n", encoding="utf-8")

    call_command("import_policy", str(policy), stdout=StringIO())

    assert PolicyPage.objects.get().get_parent().specific == HomePage.objects.get()


def test_running_it_again_changes_nothing_and_says_so(fresh_install):
    _setup_site()
    before = _snapshot()

    report = _setup_site()

    assert _snapshot() == before
    assert "is already there" in report and "already shows the home page at training.example.nhs.uk" in report
    assert "Created" not in report and "Removed" not in report


def test_a_welcome_page_an_editor_has_changed_is_kept_and_named(fresh_install):
    fresh_install.title = "Our intranet notes"
    fresh_install.save_revision()

    report = _setup_site()

    assert Page.objects.filter(pk=fresh_install.pk).exists()
    assert f"(page {fresh_install.pk}) in place: it has been edited" in report
    assert Site.objects.get(is_default_site=True).root_page_id == HomePage.objects.get().pk


def test_a_welcome_page_with_pages_under_it_is_kept(fresh_install):
    fresh_install.add_child(instance=Page(title="Somebody's page", slug="somebodys-page"))

    report = _setup_site()

    assert Page.objects.filter(pk=fresh_install.pk).exists()
    assert "it has pages under it" in report


def test_an_existing_home_page_is_kept_and_the_site_moved_to_the_portals_address(fresh_install, settings):
    home = factories.make_home_page()  # the default site on localhost:80
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"

    report = _setup_site()

    assert list(HomePage.objects.values_list("pk", flat=True)) == [home.pk]
    site = Site.objects.get(is_default_site=True)
    assert (site.root_page_id, site.hostname, site.port) == (home.pk, "127.0.0.1", 8000)
    assert "now shows the home page at 127.0.0.1:8000" in report


def test_another_site_at_the_portals_address_is_named_and_nothing_changes(fresh_install):
    Site.objects.create(hostname="training.example.nhs.uk", port=443, root_page=fresh_install, site_name="Intranet")
    before = _snapshot()

    with pytest.raises(CommandError) as refusal:
        _setup_site()

    assert "Another site, “Intranet”, already answers at training.example.nhs.uk" in str(refusal.value)

    assert _snapshot() == before and not HomePage.objects.exists()


def test_a_database_not_yet_migrated_is_told_to_migrate_first(fresh_install, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("compliance", False)])

    with pytest.raises(CommandError) as refusal:
        _setup_site()

    assert "Run python manage.py migrate first" in str(refusal.value)

    assert not HomePage.objects.exists()


def test_only_a_plain_wagtail_page_counts_as_the_placeholder(fresh_install):
    """The portal's own pages under the root are never taken for Wagtail's welcome page."""
    _setup_site()
    plain = ContentType.objects.get_for_model(Page)
    assert not Page.objects.filter(depth=2, content_type=plain).exists()
    assert HomePage.objects.count() == 1


def test_a_database_without_a_default_site_gets_one(fresh_install):
    Site.objects.all().delete()

    report = _setup_site()

    site = Site.objects.get()
    assert (site.is_default_site, site.root_page_id, site.port) == (True, HomePage.objects.get().pk, 443)
    assert "Created the default site: training.example.nhs.uk shows the home page." in report


def test_under_production_settings_without_portal_base_url_it_refuses_and_names_it():
    """The first-run command of a trust with no developer: never a site at development's 127.0.0.1:8000. Production
    settings stop before the command reads the database, so the refusal is the same whatever database it names."""
    ran = manage("setup_site", PORTAL_BASE_URL=None)
    assert ran.returncode != 0 and ran.stdout == ""
    assert "Set the PORTAL_BASE_URL environment variable to the portal's https address as staff reach it" in ran.stderr
    assert "e.g. https://training.example.nhs.uk" in ran.stderr and "127.0.0.1" not in ran.stderr
