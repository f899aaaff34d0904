"""WCAG 2.5.8 Target Size (Minimum), which axe does not check: on the pages staff, managers and HR use most, at 1280
and 320 px wide, every link, button and form control is at least 24 by 24 CSS px, or sits where a 24 px circle on its
middle meets no other target nor another small target's circle. The criterion's exceptions are kept: a link in a
sentence (inline, in a block that has words of its own: words of other links do not count, so a row of small links
such as "CSV XLSX PDF" is held to the rule), and a control whose size is the browser's own (a form control the portal
left unstyled, with no class: none of the pages below has one)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, _settle, sign_in_by_session

pytestmark = BROWSER_DB

WIDTHS = (1280, 320)

# Each target that breaks the rule, described. A target is a link, button or form control that is shown (not one
# hidden until it has focus: the skip link, 1 px until then; nor one in a closed <details>). Rectangles are the
# page's, not the window's.
TOO_SMALL = """() => {
  const TARGETS = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link]';
  const MIN = 24, HALF = 12, EPSILON = 0.01;
  // Not in a closed <details>, whose content keeps a box Chromium does not draw (content-visibility: hidden).
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && el.checkVisibility({visibilityProperty: true});
  };
  const targets = [...document.querySelectorAll(TARGETS)].filter(shown);
  const inTarget = (node) => node.parentElement && node.parentElement.closest(TARGETS);
  // A link in a sentence: shown inline, in the nearest box that is not inline, beside words of its own (text that is
  // shown and is not in any target: other links' words are not a sentence).
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== 'inline') return false;
    let box = el.parentElement;
    while (box && getComputedStyle(box).display === 'inline') box = box.parentElement;
    if (!box) return false;
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (inTarget(node) || !shown(node.parentElement)) continue;
      if (/[\\p{L}\\p{N}]/u.test(node.textContent)) return true;
    }
    return false;
  };
  // A control whose size is the browser's own: one the portal left unstyled (every control it draws has an NHS.UK
  // class), such as a plain checkbox.
  const browsers = (el) => el.matches('input, select, textarea') && !el.className && !el.getAttribute('style');
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY};
  };
  const entries = targets.map((el) => {
    const b = box(el);
    const width = b.right - b.left, height = b.bottom - b.top;
    const small = (width < MIN - EPSILON || height < MIN - EPSILON) && !inSentence(el) && !browsers(el);
    return {el, b, width, height, small, x: (b.left + b.right) / 2, y: (b.top + b.bottom) / 2};
  });
  const distanceToBox = (x, y, b) => Math.hypot(
    Math.max(b.left - x, 0, x - b.right), Math.max(b.top - y, 0, y - b.bottom));
  const related = (a, b) => a.el.contains(b.el) || b.el.contains(a.el);
  const describe = (e) => {
    const name = (e.el.getAttribute('aria-label') || e.el.innerText || e.el.value || e.el.name || '').trim();
    return `<${e.el.tagName.toLowerCase()}> "${name.replace(/\\s+/g, ' ').slice(0, 40)}" ` +
      `${Math.round(e.width)}x${Math.round(e.height)}`;
  };
  const failures = [];
  for (const a of entries.filter((e) => e.small)) {
    const near = entries.filter((b) => b !== a && !related(a, b) && (
      distanceToBox(a.x, a.y, b.b) < HALF - EPSILON ||
      (b.small && Math.hypot(a.x - b.x, a.y - b.y) < MIN - EPSILON)));
    if (near.length) failures.push(`${describe(a)} too near ${near.slice(0, 3).map(describe).join(', ')}`);
  }
  return failures;
}"""


def too_small(page) -> dict[int, list[str]]:
    """The targets on `page` that break the rule, at each of WIDTHS; the window is put back as it was."""
    size = page.viewport_size
    found = {}
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            _settle(page)
            found[width] = page.evaluate(TOO_SMALL)
    finally:
        page.set_viewport_size(size)
    return found


SQUEEZED = """<!DOCTYPE html><html><body style="font: 10px/12px sans-serif">
<p><a href="#c">C</a> <a href="#x">X</a> <a href="#p">P</a></p>
<p><a href="#1">1</a> | <a href="#2">2</a></p>
<p>Read <a href="#s">a</a> or <a href="#t">b</a> first.</p>
<p style="display: flex; gap: 40px"><a href="#a">A</a><a href="#b">B</a></p>
<p><input type="checkbox" aria-label="Left to the browser"><input type="checkbox" aria-label="Its size too"></p>
<p><button style="width: 44px; height: 44px">Go</button><button style="width: 44px; height: 44px">Stop</button></p>
</body></html>"""


def test_the_check_finds_small_targets_close_together_and_lets_off_links_in_a_sentence(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.set_content(SQUEEZED)
    found = too_small(page)
    for width in WIDTHS:
        names = sorted(line.split('"')[1] for line in found[width])
        # The row of links and the links split by a bar only; not the sentence's, the spaced ones, the browser's own
        # checkboxes or the big buttons.
        assert names == ["1", "2", "C", "P", "X"], (width, found[width])


@pytest.fixture
def org(site):
    organisation = factories.make_team("Organisation", kind="organisation")
    comms = factories.make_team("Communications", parent=organisation)
    manager = factories.make_staff(user=factories.make_user(first_name="Grace", last_name="Manager"), team=comms)
    TeamManager.objects.create(staff=manager, team=comms)
    policy = factories.make_policy(parent=site)
    module = factories.make_module(policy=policy, quiz=factories.make_quiz(questions=6, per_attempt=5))
    starter = factories.make_staff(
        user=factories.make_user(first_name="Nia", last_name="Starter"),
        team=comms,
        start_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    hr = factories.make_staff(user=factories.make_user(first_name="Hana", last_name="Officer"), team=comms)
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    factories.make_requirement(name="Safeguarding Adults Level 1")
    refresh()
    return {"manager": manager, "starter": starter, "hr": hr, "module": module}


def test_a_new_starters_pages_have_targets_big_enough(page, live_server, org):
    sign_in_by_session(page, live_server.url, org["starter"].user)
    assert too_small(page) == {width: [] for width in WIDTHS}, "home"
    page.goto(f"{live_server.url}{org['module'].url}")
    assert too_small(page) == {width: [] for width in WIDTHS}, "module"
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
    assert too_small(page) == {width: [] for width in WIDTHS}, "quiz"


def test_the_managers_and_hrs_pages_have_targets_big_enough(page, live_server, org):
    sign_in_by_session(page, live_server.url, org["manager"].user)
    page.goto(f"{live_server.url}/team/")
    assert too_small(page) == {width: [] for width in WIDTHS}, "team"
    page.get_by_text("Everyone's status for each requirement").click()  # its table's links, once shown
    expect(page.get_by_role("region", name="People by requirement")).to_be_visible()
    assert too_small(page) == {width: [] for width in WIDTHS}, "team, everyone's status shown"
    page.context.clear_cookies()
    sign_in_by_session(page, live_server.url, org["hr"].user)
    for path in ["/hr/reports/", "/exports/packs/new/"]:
        page.goto(f"{live_server.url}{path}")
        assert too_small(page) == {width: [] for width in WIDTHS}, path
