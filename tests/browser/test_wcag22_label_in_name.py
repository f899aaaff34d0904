"""WCAG 2.5.3 (label in name), which axe checks only in part: every link and button whose name is given by aria-label
has what it shows (its text, or the text of its image: the NHS logo says "NHS") inside that name, so someone who
speaks to their computer can say what they see ("click NHS") and reach it."""

from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB

# (what it shows, its name) of each link or button named by aria-label whose name does not hold what it shows.
MISMATCHES = """() => [...document.querySelectorAll('a[aria-label], button[aria-label], [role=button][aria-label]')]
  .map((element) => {
    const images = [...element.querySelectorAll('img[alt], [role=img][aria-label]')]
      .map((image) => image.getAttribute('alt') ?? image.getAttribute('aria-label'));
    const shown = [element.innerText, ...images].join(' ').replace(/\\s+/g, ' ').trim();
    return [shown, element.getAttribute('aria-label')];
  })
  .filter(([shown, name]) => shown && !name.toLowerCase().includes(shown.toLowerCase()))"""


def test_what_each_link_and_button_shows_is_in_its_name(page, live_server, site):
    policy = factories.make_policy(parent=site)
    module = factories.make_module(policy=policy)
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    sign_in_by_session(page, live_server.url, user)

    for path in ["/", "/training/", module.url, "/certificates/", "/attest/", policy.url]:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate(MISMATCHES) == [], path


def test_the_sign_in_page_too(page, live_server, site):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.evaluate(MISMATCHES) == []
