"""The NHS.UK breadcrumb, as people see it: on a wide screen the pages above this one, each once; on a phone only a
link back to the page just above. The current page is in neither."""

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def visible_links(page) -> list[str]:
    links = page.get_by_role("navigation", name="Breadcrumb").get_by_role("link")
    return [" ".join(link.inner_text().split()) for link in links.all() if link.is_visible()]


def test_the_breadcrumb_shows_each_page_above_once_and_a_phone_gets_a_back_link(page, live_server, site, axe_check):
    policy = factories.make_policy(parent=site)
    module = factories.make_module(policy=policy, title="Posting as yourself")
    user = factories.make_user(email="aisha@example.nhs.uk")
    factories.make_staff(user=user)
    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}{module.url}")
    assert visible_links(page) == [site.title, "Modules"]
    axe_check(page)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}{module.url}")
    assert visible_links(page) == ["Back to Modules"]  # "Back to" is for screen readers: the link shows "Modules"
    back = page.get_by_role("link", name="Back to Modules")
    expect(back).to_be_visible()
    back.click()
    expect(page.get_by_role("heading", level=1, name="Modules")).to_be_visible()
