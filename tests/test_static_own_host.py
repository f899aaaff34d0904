"""No page asks another host for anything: NHS.UK frontend's stylesheet is served without the web fonts it would
fetch from assets.nhs.uk (portal.lib.staticfiles.OwnHostFontsFinder), and the CMS shows no avatars from gravatar.com
(WAGTAIL_GRAVATAR_PROVIDER_URL). The browser tests fail on any such request."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.auth.models import Group, Permission
from django.contrib.staticfiles import finders

from portal.lib.staticfiles import NHSUK_CSS
from tests import factories


def test_the_frontend_stylesheet_is_served_without_outside_fonts():
    served = finders.find(NHSUK_CSS)
    css = Path(served).read_text(encoding="utf-8")
    assert "assets.nhs.uk" not in css and "@font-face" not in css
    assert ".nhsuk-header" in css and "Frutiger W01,arial,sans-serif" in css  # the rest, font stack included, stays


def test_the_original_is_what_the_copy_leaves_out():
    originals = [path for path in finders.find(NHSUK_CSS, find_all=True) if "site-packages" in path]
    original = Path(originals[0]).read_text(encoding="utf-8")
    assert "https://assets.nhs.uk/fonts/" in original  # if the package stops fetching fonts, the finder can go


class _Fetched(HTMLParser):
    """The addresses a browser would fetch while showing a page (not those it would only follow if clicked)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "poster", "data"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if attrs.get("srcset"):
            self.urls += [candidate.split()[0] for candidate in attrs["srcset"].split(",") if candidate.strip()]
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        self.urls += re.findall(r"url\(['\"]?([^'\")]+)", attrs.get("style") or "")


def test_the_cms_asks_no_other_host_for_an_editors_avatar(client, db):
    editor = factories.make_user(email="editor@example.nhs.uk")
    editors, _ = Group.objects.get_or_create(name="CMS editors")
    editors.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    editor.groups.add(editors)
    factories.sign_in(client, factories.with_mfa(editor))

    page = client.get("/cms/")
    html = page.content.decode()
    fetched = _Fetched()
    fetched.feed(html)

    assert page.status_code == 200
    assert "gravatar.com" not in html  # Wagtail's default would put the editor's hashed email in an <img> there
    assert any("default-user-avatar" in url for url in fetched.urls)  # the avatar is the portal's own image
    assert [url for url in fetched.urls if urlsplit(url).netloc] == []
