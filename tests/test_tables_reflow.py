"""Every table on the portal's pages reflows at 320 px (WCAG 1.4.10): it sits in a focusable scrolling region
(`.portal-scroll` with tabindex="0", role="region" and a name) and has a caption, or it stacks on a narrow screen
(NHS.UK's `nhsuk-table-responsive`, or the list to chase that portal.css stacks). A table added bare fails here;
the browser tests' reflow check (tests/browser/conftest.py, reflow_every_page) then finds it on the page too."""

from html.parser import HTMLParser
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Not pages of the portal: Wagtail's admin (its own `listing` tables) and the PDFs (a printed page, no window).
NOT_PAGES = ("modules/admin/", "reports/certificate_pdf.html", "reports/pack/")
STACKED = {"nhsuk-table-responsive", "portal-chase"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Tables(HTMLParser):
    """Each <table> with the scrolling region around it (its attributes) if any, and whether it has a caption."""

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, dict]] = []
        self.tables: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            region = next((a for t, a in reversed(self.open) if "portal-scroll" in _classes(a)), None)
            self.tables.append({"line": self.getpos()[0], "classes": _classes(attrs), "region": region})
        if tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        if tag not in VOID:
            self.open.append((tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                return


def _classes(attrs: dict) -> set[str]:
    return set((attrs.get("class") or "").split())


def _page_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if not name.startswith(NOT_PAGES):
            yield name, path.read_text(encoding="utf-8")


def _bare_tables(name: str, html: str) -> list[str]:
    parser = _Tables()
    parser.feed(html)
    bare = []
    for table in parser.tables:
        where = f"{name}, line {table['line']}"
        region = table["region"]
        if table["classes"] & STACKED:
            continue
        if region is None:
            bare.append(f"{where}: neither in a .portal-scroll region nor stacked")
        elif not (region.get("tabindex") == "0" and region.get("role") == "region" and region.get("aria-label")):
            bare.append(f'{where}: its region needs tabindex="0", role="region" and an aria-label')
        elif not table.get("caption"):
            bare.append(f"{where}: no caption")
    return bare


def test_every_table_scrolls_in_a_named_region_or_stacks():
    tables = [(name, html) for name, html in _page_templates() if "<table" in html]
    assert len(tables) > 20  # the templates were found
    assert [problem for name, html in tables for problem in _bare_tables(name, html)] == []


def test_a_bare_table_is_found():
    bare = '<h2>Managers</h2>\n<table class="nhsuk-table"><caption>Managers</caption></table>'
    unnamed = '<div class="portal-scroll"><table class="nhsuk-table"><caption>Managers</caption></table></div>'
    uncaptioned = '<div class="portal-scroll" tabindex="0" role="region" aria-label="M"><table></table></div>'
    after_region = '<div class="portal-scroll" tabindex="0" role="region" aria-label="M"></div><table></table>'
    assert _bare_tables("bare.html", bare) == ["bare.html, line 2: neither in a .portal-scroll region nor stacked"]
    assert "needs tabindex" in _bare_tables("unnamed.html", unnamed)[0]
    assert _bare_tables("uncaptioned.html", uncaptioned) == ["uncaptioned.html, line 1: no caption"]
    assert "neither" in _bare_tables("after.html", after_region)[0]
    stacked = '<table class="nhsuk-table-responsive" role="table"><caption>M</caption></table>'
    assert _bare_tables("stacked.html", stacked) == []
