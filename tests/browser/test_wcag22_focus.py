"""WCAG 2.4.7 (focus visible) and 2.4.11 (focus not obscured), which axe cannot check: tabbing through a module's
scenarios, a quiz, the team page and HR's organisation report, on a desktop window and a phone's, every element that
takes focus is scrolled into view, is not covered by anything (a header, a banner, a dialog) and shows a focus style."""

import pytest

from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB

# What is wrong with the focused element, if anything: off the screen, under something else, or no focus style.
FOCUS_PROBLEM = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const name = `${el.tagName} "${(el.innerText || el.value || el.name || '').trim().slice(0, 40)}"`;
  const box = el.getBoundingClientRect();
  const off = box.bottom <= 0 || box.top >= innerHeight || box.right <= 0 || box.left >= innerWidth;
  if (off) return `${name} off screen`;
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + Math.min(box.height / 2, 8), 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const labels = [...(el.labels || [])];
  const own = (node) => node && (el.contains(node) || node.contains(el) || labels.some((l) => l.contains(node)));
  if (!own(hit)) return `${name} covered by ${hit.tagName}.${hit.className}`;
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  if (!outlined && style.boxShadow === 'none') return `${name} shows no focus`;
  return '';
}"""


def focus_problems(page, tabs=120) -> list[str]:
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    problems = []
    for _ in range(tabs):
        page.keyboard.press("Tab")
        problem = page.evaluate(FOCUS_PROBLEM)
        if problem is None:
            break
        if problem:
            problems.append(problem)
    return problems


SIZES = {"desktop": {"width": 1280, "height": 720}, "phone": {"width": 320, "height": 640}}


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_focus_is_always_seen_on_the_module_quiz_team_and_report_pages(page, live_server, site, size):
    module = factories.make_module(policy=factories.make_policy(parent=site))
    user = factories.with_mfa(factories.make_user(email="dev@example.nhs.uk"))
    user.groups.add(hr_group())
    factories.make_staff(user=user)
    factories.make_staff(first_name="Sam", last_name="Person")
    factories.make_requirement(name="Fire Safety")
    refresh()
    page.set_viewport_size(size)
    sign_in_by_session(page, live_server.url, user)

    page.goto(f"{live_server.url}{module.url}")
    problems = {"module": focus_problems(page)}
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Submit answers").click()  # none answered: the error summary takes focus
    problems["quiz"] = focus_problems(page)
    for path in ["/team/", "/hr/reports/"]:
        page.goto(f"{live_server.url}{path}")
        problems[path] = focus_problems(page)
    assert {where: found for where, found in problems.items() if found} == {}
