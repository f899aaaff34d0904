"""Static files: WhiteNoise's compressed, hashed storage, minus one rule that breaks collectstatic for us; and NHS.UK
frontend's stylesheet without the web fonts it would fetch from another host."""

import os
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import AppDirectoriesFinder, BaseFinder
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    return tuple(
        (extension, tuple(rule for rule in rules if "sourceMappingURL" not in str(rule)))
        for extension, rules in patterns
    )


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """wagtail-nhsuk-frontend ships minified NHS.UK frontend CSS and JavaScript whose last line names a source map it
    does not ship; Django's manifest storage would then refuse the whole of collectstatic. The comment is left as it
    is (a browser asks for the map only with its developer tools open, and gets a 404)."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)


# NHS.UK frontend's stylesheet, as wagtail-nhsuk-frontend ships it, and where the portal keeps its own copy of it.
NHSUK_CSS = "wagtailnhsukfrontend/css/nhsuk-frontend-10.4.2.min.css"
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")


class OwnHostFontsFinder(BaseFinder):
    """Serves NHS.UK frontend's stylesheet without its @font-face rules, at the stylesheet's own address.

    Those rules fetch the Frutiger web font from assets.nhs.uk. Frutiger's licence does not let an open-source project
    ship the font, and on an NHS network that blocks the host every page waits for it; browsers fetch a declared face
    even when the page's fonts are overridden. Without the rules the frontend's own font stack falls back to a
    Frutiger installed on the machine, or Arial. The copy is written under var/ from the installed package (so an
    upgrade of the package is picked up), and this finder comes first in STATICFILES_FINDERS so that both
    collectstatic and the test server serve it instead of the original."""

    def __init__(self, *args, **kwargs):
        self.storage = FileSystemStorage(location=Path(settings.BASE_DIR) / "var" / "static-own-host")

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False):
        if path != NHSUK_CSS:
            return [] if find_all else None
        copy = self._copy()
        return [copy] if find_all else copy

    def list(self, ignore_patterns):
        self._copy()
        yield NHSUK_CSS, self.storage

    def _copy(self) -> str:
        original = AppDirectoriesFinder().find(NHSUK_CSS)
        if original is None:
            raise ImproperlyConfigured(f"wagtail-nhsuk-frontend no longer ships {NHSUK_CSS}: update NHSUK_CSS.")
        copy = Path(self.storage.path(NHSUK_CSS))
        if not copy.exists() or copy.stat().st_mtime < Path(original).stat().st_mtime:
            copy.parent.mkdir(parents=True, exist_ok=True)
            css = Path(original).read_text(encoding="utf-8")
            # Written aside and renamed into place: another process (a second server worker, a parallel test
            # worker) serving the file meanwhile reads the old copy or the new one, never half of one.
            partial = copy.with_name(f"{copy.name}.{os.getpid()}.partial")
            partial.write_text(FONT_FACE.sub("", css), encoding="utf-8")
            os.replace(partial, copy)
        return str(copy)
