"""No page asks another host for anything: NHS.UK frontend's stylesheet is served without the web fonts it would
fetch from assets.nhs.uk (portal.lib.staticfiles.OwnHostFontsFinder). The browser tests fail on any such request."""

from pathlib import Path

from django.contrib.staticfiles import finders

from portal.lib.staticfiles import NHSUK_CSS


def test_the_frontend_stylesheet_is_served_without_outside_fonts():
    served = finders.find(NHSUK_CSS)
    css = Path(served).read_text(encoding="utf-8")
    assert "assets.nhs.uk" not in css and "@font-face" not in css
    assert ".nhsuk-header" in css and "Frutiger W01,arial,sans-serif" in css  # the rest, font stack included, stays


def test_the_original_is_what_the_copy_leaves_out():
    originals = [path for path in finders.find(NHSUK_CSS, find_all=True) if "site-packages" in path]
    original = Path(originals[0]).read_text(encoding="utf-8")
    assert "https://assets.nhs.uk/fonts/" in original  # if the package stops fetching fonts, the finder can go
