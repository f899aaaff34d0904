"""`manage.py setup_site` gives a real install its accessibility statement, privacy notice and cookies page: published,
with starting text true of the portal and of its settings, and said to be there to review. Run again, it changes
nothing; a page an editor has changed, unpublished or put at one of their addresses is kept as it is."""

import re
from io import StringIO

from django.core.management import call_command
from wagtail.models import Page, Revision

from modules.models import ContentPage, HomePage, PolicyPage
from tests import factories
from tests.modules.test_setup_site_command import fresh_install  # noqa: F401

ADDRESSES = {
    "accessibility-statement": "Accessibility statement",
    "privacy": "How we use your information",
    "cookies": "Cookies",
}


def _setup_site() -> str:
    out = StringIO()
    call_command("setup_site", stdout=out)
    return out.getvalue()


def _text(slug: str) -> str:
    return ContentPage.objects.get(slug=slug).body[0].value.source


def _snapshot() -> dict:
    pages = ContentPage.objects.order_by("pk")
    return {
        "pages": [(page.pk, page.slug, page.title, page.live, list(page.body.raw_data)) for page in pages],
        "revisions": Revision.objects.count(),
    }


def test_an_empty_database_gets_the_three_pages_published_and_told_to_review_them(fresh_install, settings):  # noqa: F811
    settings.PORTAL_ORGANISATION_NAME = "Kirkby & District NHS Trust"
    settings.PORTAL_PACK_KEEP_DAYS = 45
    settings.PORTAL_REPLY_TO = "Training <training@kirkby.example.nhs.uk>"

    report = _setup_site()

    home = HomePage.objects.get()
    pages = {page.slug: page for page in ContentPage.objects.child_of(home)}
    assert {slug: page.title for slug, page in pages.items()} == ADDRESSES
    for slug, page in pages.items():
        assert page.live and page.live_revision is not None, slug
        assert f"Created the page “{page.title}” at /{slug}/ (page {page.pk}), published with starting text" in report
    review = report.split("Next (docs/setup.md):")[1]
    assert f"https://training.example.nhs.uk/cms/pages/{home.pk}/" in review
    assert "review the accessibility statement, 'How we use your information' and 'Cookies'" in review


def test_the_starting_text_comes_from_the_settings(fresh_install, settings):  # noqa: F811
    settings.PORTAL_ORGANISATION_NAME = "Kirkby & District NHS Trust"
    settings.PORTAL_PACK_KEEP_DAYS = 45
    settings.PORTAL_REPLY_TO = "Training <training@kirkby.example.nhs.uk>"
    settings.PORTAL_SESSION_IDLE_MINUTES = 20

    _setup_site()

    privacy = _text("privacy")
    assert "Kirkby &amp; District NHS Trust is the controller of this information" in privacy
    assert "removed from the service 45 days after they are made" in privacy
    assert '<a href="mailto:training@kirkby.example.nhs.uk">' in privacy
    statement = _text("accessibility-statement")
    assert 'at <a href="https://training.example.nhs.uk/">' in statement
    assert "run by Kirkby &amp; District NHS Trust" in statement
    cookies = _text("cookies")
    for name in ("sessionid", "csrftoken", "messages", "portal_known_device", "wagtail_sidebar_collapsed"):
        assert f"<h3>{name}</h3>" in cookies, name
    assert "after 20 minutes without using the service" in cookies


def test_the_text_is_rich_text_the_cms_editor_keeps(fresh_install):  # noqa: F811
    """Only what the body's editor offers (h2, h3, bold, links, lists), and no line breaks between blocks, which the
    editor would show as empty paragraphs."""
    _setup_site()
    for slug in ADDRESSES:
        text = _text(slug)
        assert "\n" not in text and "  " not in text, slug
        tags = set(re.findall(r"<(\w+)", text))
        assert tags <= {"h2", "h3", "p", "ul", "li", "b", "a"}, (slug, tags)


def test_running_it_again_changes_nothing_and_says_the_pages_are_there(fresh_install):  # noqa: F811
    _setup_site()
    before = _snapshot()

    report = _setup_site()

    assert _snapshot() == before
    for slug, title in ADDRESSES.items():
        page = ContentPage.objects.get(slug=slug)
        assert f"The page “{title}” at /{slug}/ (page {page.pk}) is already there." in report


def test_an_editors_changes_are_kept(fresh_install):  # noqa: F811
    _setup_site()
    privacy = ContentPage.objects.get(slug="privacy")
    privacy.title = "Privacy notice"
    privacy.body = [("text", "<p>Our Data Protection Officer is Ann Lee.</p>")]
    privacy.save_revision().publish()
    cookies = ContentPage.objects.get(slug="cookies")
    cookies.unpublish()
    ContentPage.objects.get(slug="accessibility-statement").delete()
    before = _snapshot()

    report = _setup_site()

    after = _snapshot()
    assert [page for page in after["pages"] if page[1] != "accessibility-statement"] == before["pages"]
    assert _text("privacy") == "<p>Our Data Protection Officer is Ann Lee.</p>"
    assert not ContentPage.objects.get(slug="cookies").live
    assert f"The page “Cookies” at /cookies/ (page {cookies.pk}) is there but not published" in report
    assert "Created the page “Accessibility statement”" in report  # the one deleted is made again


def test_another_kind_of_page_at_one_of_the_addresses_is_left_alone_and_named(fresh_install):  # noqa: F811
    _setup_site()
    home = HomePage.objects.get()
    ContentPage.objects.get(slug="cookies").delete()
    policy = factories.make_policy(parent=home, slug="cookies", title="Cookies policy")

    report = _setup_site()

    assert Page.objects.get(slug="cookies").specific_class is PolicyPage
    assert not ContentPage.objects.filter(slug="cookies").exists()
    assert (
        f"Left the page “Cookies policy” at /cookies/ (page {policy.pk}) alone, but it is not a plain content page"
        in report
    )
