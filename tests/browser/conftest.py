"""Browser tests: Playwright for Python driving Debian's chromium, with axe-core injected into every page."""

import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright and the ORM share the test thread

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# Each browser test module sets `pytestmark = BROWSER_DB`: live-server tests are transactional.
BROWSER_DB = pytest.mark.django_db(transaction=True)


def pytest_collection_modifyitems(items):
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("Browser tests need Debian's chromium: apt-get install chromium (make test does it as root).")
    if not AXE.exists():
        pytest.fail("Browser tests need axe-core: run `make axe` (npm ci).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


OUR_HOSTS = {"127.0.0.1", "localhost"}
_outside_requests: list[str] = []


@pytest.fixture(scope="session")
def browser(browser):
    """Every context the tests open records any request for another host: a page must work on an NHS network that
    reaches nothing outside it (fonts included), and such a request would make every page wait for it."""
    new_context = browser.new_context

    def recording_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("request", _record_if_outside)
        return context

    browser.new_context = recording_context
    return browser


def _record_if_outside(request):
    url = urlsplit(request.url)
    if url.scheme in {"http", "https", "ws", "wss"} and url.hostname not in OUR_HOSTS:
        _outside_requests.append(request.url)


@pytest.fixture(autouse=True)
def no_request_leaves_the_network():
    _outside_requests.clear()
    yield
    assert _outside_requests == [], f"A page asked another host for: {sorted(set(_outside_requests))}"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """axe-core is injected as a script tag, which the portal's Content-Security-Policy would refuse: the journeys
    run with the policy bypassed, and tests/browser/test_csp.py checks the pages under it."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def axe_check(browser):
    """Assert that axe-core finds no WCAG 2.2 A/AA violations on the page as it is now, and that the page reflows at
    320 px (WCAG 1.4.10, which axe does not check): no sideways scrolling but a table's own scrolling region.

    A page in a context with JavaScript turned off cannot run axe, so its DOM (scripts removed) is copied into a
    scripted page at the same address, where the stylesheets resolve the same way, and checked there.
    """
    checkers = []

    def scripted_copy(page):
        if not checkers:
            checkers.append(browser.new_context(java_script_enabled=True, bypass_csp=True).new_page())
        checker = checkers[0]
        checker.goto(page.url)
        html = page.content()
        checker.set_content(re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.S))
        return checker

    def check(page, *, leave_out: tuple[str, ...] = ()):
        """`leave_out`: selectors of a third party's elements to leave unchecked, each with its reason where called."""
        target = page if _scripts_enabled(page) else scripted_copy(page)
        target.add_script_tag(path=str(AXE))
        result = target.evaluate(
            "async ([tags, out]) => await axe.run(out.length ? {include: [document], exclude: out.map(s => [s])}"
            " : document, {runOnly: {type: 'tag', values: tags}})",
            [WCAG_TAGS, list(leave_out)],
        )
        violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [(n["target"], n["html"][:200]) for n in v["nodes"][:5]],
            }
            for v in result["violations"]
        ]
        assert violations == [], f"axe found violations on {page.url}:\n{json.dumps(violations, indent=2)}"
        _assert_reflows(target, page.url)
        return result

    yield check
    for checker in checkers:
        checker.context.close()


REFLOW_WIDTH = 320  # WCAG 1.4.10: content reflows at 320 CSS pixels with no scrolling sideways

# The page's width at 320 px and, if it is wider, the innermost elements that stick out (outside any box that
# scrolls or clips them itself, such as a table's .portal-scroll region), widest first.
_OVERFLOW_JS = """(limit) => {
  const width = document.documentElement.scrollWidth;
  if (width <= limit) return null;
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const over = new Set([...document.body.querySelectorAll("*")].filter(
    (el) => el.getBoundingClientRect().right > limit + 0.5 && !clipped(el)));
  const leaves = [...over].filter((el) => ![...el.children].some((child) => over.has(child)));
  leaves.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
  const describe = (el) => {
    const name = typeof el.className === "string" ? el.className.trim().split(/\\s+/).join(".") : "";
    const tag = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (name ? "." + name : "");
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
    return `<${tag}> "${text}" reaching ${Math.round(el.getBoundingClientRect().right)} px`;
  };
  return {width, widest: leaves.slice(0, 3).map(describe)};
}"""


def _assert_reflows(page, url):
    """At a 320 px wide window the page is no wider than the window: nothing scrolls sideways but a table's own
    scrolling region. The window is put back as it was."""
    size = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 800})
    try:
        _settle(page)
        overflow = page.evaluate(_OVERFLOW_JS, REFLOW_WIDTH)
    finally:
        if size:
            page.set_viewport_size(size)
            _settle(page)
    assert overflow is None, (
        f"{url} scrolls sideways at {REFLOW_WIDTH} px: it is {overflow['width']} px wide; widest: {overflow['widest']}"
    )


_FRAMES_JS = (
    "() => new Promise((done) => { let n = 4; const on = () => (n-- ? requestAnimationFrame(on) : done()); on(); })"
)


def _settle(page):
    """Let the NHS header rearrange its menu for the new width: it does so on the animation frames after a resize
    (a ResizeObserver fires one more), so wait a few frames."""
    page.evaluate(_FRAMES_JS)


def _scripts_enabled(page) -> bool:
    return bool(page.evaluate("() => document.documentElement.classList.contains('js-enabled')"))


@pytest.fixture
def site(live_server):
    """The home page and default Site (see factories.ensure_wagtail_rows for why they may need rebuilding)."""
    return factories.make_home_page()


def sign_in(page, base_url, email, password=factories.PASSWORD):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def totp_code(secret: str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") -> str:
    """The code an authenticator app would show now for `secret` (see factories.totp_code)."""
    return factories.totp_code(secret)


def sign_in_with_code(page, base_url, email):
    sign_in(page, base_url, email)
    page.get_by_label("Code", exact=True).fill(totp_code())
    page.get_by_role("button", name="Continue", exact=True).click()
