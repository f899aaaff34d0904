"""Browser tests: Playwright for Python driving Debian's chromium, with axe-core injected into every page."""

import base64
import json
import os
import re
import shutil
import tempfile
import uuid
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
_contexts_this_test: list[tuple] = []  # (context, its HAR file, whether scripts run in it), see reflow_every_page
# Whether pages are checked to reflow at 320 px (reflow_every_page, axe_check). Not in CI's second pass, on PostgreSQL
# (PORTAL_TESTS_DATABASE_ONLY=1, tests/conftest.py), which runs what the database can change: a page's reflow is its
# HTML and CSS, the same on either database, and every page was checked in the first pass. `make test` on its own,
# on either database, checks them.
REFLOW = os.environ.get("PORTAL_TESTS_DATABASE_ONLY") != "1"
_HARS = Path(tempfile.mkdtemp(prefix="portal-browser-har-"))
_PLAIN_NEW_CONTEXT = []  # the browser's own new_context, for the reflow checker's context


@pytest.fixture(scope="session")
def browser(browser):
    """Every context the tests open records any request for another host: a page must work on an NHS network that
    reaches nothing outside it (fonts included), and such a request would make every page wait for it. It also
    records the portal's pages it was sent (a HAR file), for reflow_every_page to check at 320 px."""
    new_context = browser.new_context
    _PLAIN_NEW_CONTEXT[:] = [new_context]

    def recording_context(*args, **kwargs):
        har = _HARS / f"{uuid.uuid4().hex}.har"
        if REFLOW:
            kwargs = {"record_har_path": har, "record_har_content": "embed", "record_har_url_filter": _PAGES, **kwargs}
        context = new_context(*args, **kwargs)
        context.on("request", _record_if_outside)
        if REFLOW:  # else nothing is recorded, and reflow_every_page has nothing to check
            _contexts_this_test.append((context, har, kwargs.get("java_script_enabled", True)))
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


# The portal's own pages, recorded for reflow_every_page: not its static files, nor Wagtail's admin under /cms/
# (the CMS's own interface, for editors, which the portal neither writes nor styles).
_PAGES = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/(?!static/|media/|cms/)")


@pytest.fixture(autouse=True)
def reflow_every_page(browser):
    """Every page of the portal that a browser test was sent, however it got there (a link, a form's POST, a
    redirect), reflows at 320 px (WCAG 1.4.10): checked after the test, so the journey itself is not disturbed.

    Each context records the HTML documents it was sent (a HAR file). After the test each one is shown again in a
    320 px window, as the server sent it, at its own address: a route answers the navigation from the record, so the
    server is not asked again, and a POST's result, a one-time link or a page whose data have changed since is
    checked as the test saw it. JavaScript is on or off as in the test's context; where on, the page's scripts run,
    so the NHS header lays out its menu for the width. A page already found to reflow this session (the same HTML but
    for its tokens, and with every digit read as 0: the same page for another date, count or id) is not checked again.
    axe_check's own check covers the page as a test left it after scripts changed it (an opened menu, a revealed
    field).

    In scope: every page of the portal, sign-in and two-factor pages included. Out: Wagtail's admin under /cms/
    (_PAGES), the editors' own interface, which the portal neither writes nor styles.
    """
    _contexts_this_test.clear()
    yield
    pages = {}
    for context, har, scripts in _contexts_this_test:
        if not har.exists():  # a context the test left open: closing it writes its record
            context.close()
        for url, html in _documents(har):
            key = _without_tokens(html)
            if (scripts, key) not in _reflowed:
                pages.setdefault((scripts, key), (url, html))
        har.unlink(missing_ok=True)
    _contexts_this_test.clear()
    failures = []
    checkers = {}
    try:
        for (scripts, key), (url, html) in pages.items():
            if scripts not in checkers:
                checkers[scripts] = _ReflowChecker(browser, scripts)
            overflow = checkers[scripts].check(url, html)
            if overflow:
                failures.append(f"{url} is {overflow['width']} px wide; widest: {overflow['widest']}")
            else:
                _reflowed.add((scripts, key))
    finally:  # within the test: the live server shares its database connection only until the test ends
        for checker in checkers.values():
            checker.context.close()
    assert failures == [], f"Pages that scroll sideways at {REFLOW_WIDTH} px:\n" + "\n".join(failures)


_reflowed: set = set()  # pages (less their tokens) already found to reflow, this session
_static: dict = {}  # the portal's static files, as the live server first sent them this session


def _documents(har: Path):
    """(url, html) of each page a context's record holds: documents for a window (not a frame, a fetch or a
    download), not redirects."""
    for entry in json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]:
        request, response = entry["request"], entry["response"]
        headers = {h["name"].lower(): h["value"] for h in request["headers"]}
        content = response.get("content", {})
        if (
            headers.get("sec-fetch-dest") == "document"
            and not 300 <= response["status"] < 400
            and content.get("mimeType", "").startswith("text/html")
            and content.get("text")
        ):
            text = content["text"]
            if content.get("encoding") == "base64":
                text = base64.b64decode(text).decode("utf-8", "replace")
            yield request["url"], text


def _without_tokens(html: str) -> str:
    """The page less what changes on every request (its form and script tokens), each digit read as 0: the key of a
    page already found to reflow. Every digit is one width in the fonts the browser draws the pages in (Liberation
    Sans, for Arial, and DejaVu Sans), so a page that differs only in a date, a count or an id lays out the same; a
    count of 9 against 10 is another key. (Of the 447 pages the browser tests were sent, 71 were found again so.)"""
    html = re.sub(r'(csrfmiddlewaretoken" value=|nonce=)"[^"]*"', r"\1", html)
    return re.sub(r"[0-9]", "0", html)


class _ReflowChecker:
    """A 320 px window that shows recorded HTML at its own address: its static files come from the live server
    (kept for the session after the first time), the page's other requests are refused."""

    def __init__(self, browser, scripts: bool):
        new_context = _PLAIN_NEW_CONTEXT[0] if _PLAIN_NEW_CONTEXT else browser.new_context
        self.context = new_context(
            java_script_enabled=scripts, bypass_csp=True, viewport={"width": REFLOW_WIDTH, "height": 800}
        )
        self.page = self.context.new_page()
        self.scripts = scripts
        self.html = ""
        self.context.route("**/*", self._answer)

    def _answer(self, route):
        request = route.request
        if request.is_navigation_request() and request.frame.parent_frame is None:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.html)
        elif request.method == "GET" and urlsplit(request.url).hostname in OUR_HOSTS and "/static/" in request.url:
            if request.url not in _static:
                response = route.fetch()
                _static[request.url] = (response.status, response.headers, response.body())
            status, headers, body = _static[request.url]
            route.fulfill(status=status, headers=headers, body=body)
        else:
            route.abort()  # the page's own requests (a poll): it has no session here

    def check(self, url: str, html: str):
        self.html = re.sub(r"<meta[^>]+http-equiv=[\"']?refresh[^>]*>", "", html, flags=re.I)
        self.page.goto(url, wait_until="load")
        if self.scripts:  # without scripts no animation frame comes, and nothing rearranges the page
            _settle(self.page)
        return self.page.evaluate(_OVERFLOW_JS, REFLOW_WIDTH)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """axe-core is injected as a script tag, which the portal's Content-Security-Policy would refuse: the journeys
    run with the policy bypassed, and tests/browser/test_csp.py checks the pages under it."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def axe_check(browser):
    """Assert that axe-core finds no WCAG 2.2 A/AA violations on the page as it is now, and that the page reflows at
    320 px (WCAG 1.4.10, which axe does not check): no sideways scrolling but a table's own scrolling region (where
    REFLOW, as for reflow_every_page).

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
        # Colours are judged as the page shows them once it has settled: text fading in (Wagtail's sidebar labels as it
        # opens) is half its colour mid-transition, which axe reports as low contrast on a busy machine. Only the
        # short ones, a second at most in all, are waited for: not a spinner that never ends, nor Wagtail's badge
        # that pulses for 25 seconds.
        target.wait_for_function(
            "() => document.getAnimations().every(a => a.playState !== 'running'"
            " || a.effect.getComputedTiming().activeDuration > 1000)",
            timeout=10_000,
        )
        # And as the NHS header lays out its menu, on the animation frames after the page shows: judged in between,
        # links on their way into "More" were read against the wrong background (color-contrast, once in CI).
        _settle(target)
        target.add_script_tag(path=str(AXE))
        result = target.evaluate(
            "async ([tags, out]) => await axe.run(out.length ? {include: [document], exclude: out.map(s => [s])}"
            " : document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
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
        if REFLOW:
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


def sign_in_by_session(page, base_url, user):
    """Start `page` signed in as `user`, as the sign-in form would leave the browser (factories.sign_in: the password
    and, if they have an authenticator app, the code), on the page the form sends a person to (LOGIN_REDIRECT_URL).
    For tests that start signed in, where typing into the form cost about half a second each: the tests of the form
    and what it leaves behind (its pages' accessibility, titles and fields, the second factor, the session's timeout
    and cookies, the CSP on its pages, a sign-in in another tab) call sign_in."""
    from django.conf import settings
    from django.test import Client

    session = factories.sign_in(Client(), user).cookies[settings.SESSION_COOKIE_NAME]
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session.value, "url": base_url}
    page.context.add_cookies([{**cookie, "httpOnly": True, "sameSite": settings.SESSION_COOKIE_SAMESITE}])
    page.goto(f"{base_url}{settings.LOGIN_REDIRECT_URL}")


def totp_code(secret: str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") -> str:
    """The code an authenticator app would show now for `secret` (see factories.totp_code)."""
    return factories.totp_code(secret)


def sign_in_with_code(page, base_url, email):
    sign_in(page, base_url, email)
    page.get_by_label("Code", exact=True).fill(totp_code())
    page.get_by_role("button", name="Continue", exact=True).click()
