"""The Wagtail admin under /cms/ has a Content-Security-Policy of its own (portal.lib.csp_paths), and the portal's
own pages keep theirs: tests/browser/test_csp_cms.py shows the admin working under it in a browser."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

# The portal's own pages, as they had it before the CMS had a policy: pinned so that loosening the CMS's cannot
# loosen theirs.
PORTAL_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.fixture
def editor(client):
    user = factories.with_mfa(factories.make_user(email="editor@example.nhs.uk", is_superuser=True))
    return factories.sign_in(client, user)


def assert_cms_policy(response):
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]  # no XHR to another host: no gravatar, no update check
    assert policy["frame-ancestors"] == ["'self'"]  # the block chooser's previews are frames of the admin
    assert policy["script-src-attr"] == ["'none'"]  # inline scripts, but no inline event handlers
    sources = {source for values in policy.values() for source in values}
    assert "'unsafe-eval'" not in sources
    # Nothing from another host: every source is a keyword or the page's own data.
    assert all(source.startswith("'") or source in {"data:", "blob:"} for source in sources), sources


def test_the_cms_pages_carry_their_own_policy(editor, home_page):
    policy = factories.make_policy(parent=home_page)
    for path in [
        "/cms/",
        f"/cms/pages/{home_page.pk}/",
        f"/cms/pages/{policy.pk}/edit/",
        "/cms/content-to-review/",  # the portal's own admin view (modules.wagtail_hooks)
        "/cms/images/",
        "/cms/documents/",
    ]:
        response = editor.get(path)
        assert response.status_code == 200, path
        assert_cms_policy(response)


def test_the_cms_redirect_to_sign_in_carries_the_policy(client):
    response = client.get("/cms/")
    assert response.status_code == 302
    assert_cms_policy(response)


@pytest.mark.parametrize("path", ["/accounts/login/", "/verify/"])
def test_the_portal_pages_keep_their_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == PORTAL_POLICY


def test_the_portal_pages_keep_their_strict_policy_for_an_editor(editor, home_page):
    policy = factories.make_policy(parent=home_page)
    response = editor.get(policy.url)
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == PORTAL_POLICY


def test_a_preview_keeps_the_portal_policy_and_may_be_framed_by_the_cms(editor, home_page):
    """Wagtail renders a preview through the middleware again, for a stand-in request at the page's own address:
    the page keeps the portal's policy, but the editor's preview panel (a frame of /cms/) may show it."""
    policy = factories.make_policy(parent=home_page)
    revision = policy.get_latest_revision()
    response = editor.get(f"/cms/pages/{policy.pk}/revisions/{revision.pk}/view/")
    assert response.status_code == 200
    assert "Principles" in response.content.decode()
    assert directives(response["Content-Security-Policy"]) == {**PORTAL_POLICY, "frame-ancestors": ["'self'"]}
