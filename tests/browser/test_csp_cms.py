"""The Wagtail admin works under its own Content-Security-Policy (PORTAL_CMS_CONTENT_SECURITY_POLICY): an editor
signed in with a second factor goes round the dashboard, the page explorer, a policy's and a module's editor (typing
into rich text, adding blocks, the choosers' modals, the schedule dialog, the preview panel), the portal's own admin
views and the image and document libraries, and no frame of any of them reports a violation."""

from PIL import Image
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_with_code
from tests.test_csp_cms import directives

pytestmark = BROWSER_DB

# Every frame (the preview panel's, a block preview's) reports each violation to the test, across navigations.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolation(`${location.pathname}: ${event.effectiveDirective} blocked ${event.blockedURI || "?"}`
    + ` at ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""


def test_the_cms_runs_under_its_content_security_policy(browser, live_server, site, tmp_path):
    policy = factories.make_policy(parent=site)
    module = factories.make_module(policy=policy)
    editor = factories.with_mfa(factories.make_user(email="editor@example.nhs.uk", is_superuser=True))
    context = browser.new_context()  # without bypass_csp: the policy applies as it does for editors
    violations, headers = [], {}
    context.expose_binding("cspViolation", lambda source, text: violations.append(text))
    context.add_init_script(REPORT_VIOLATIONS)
    context.on("console", lambda m: "Content Security Policy" in m.text and violations.append(f"console: {m.text}"))

    def remember_header(response):
        if response.request.resource_type == "document" and "/cms/" in response.url:
            headers[response.url] = response.headers.get("content-security-policy")

    context.on("response", remember_header)
    page = context.new_page()
    sign_in_with_code(page, live_server.url, editor.email)

    page.goto(f"{live_server.url}/cms/")
    expect(page.get_by_role("heading", name="Staff training and attestation")).to_be_visible()
    page.goto(f"{live_server.url}/cms/pages/{site.pk}/")
    expect(page.get_by_role("link", name=policy.title).first).to_be_visible()

    # A policy's editor: its rich text, a new section, the link chooser's modal, the schedule dialog, the preview.
    page.goto(f"{live_server.url}/cms/pages/{policy.pk}/edit/")
    summary = page.locator("#panel-child-content-child-summary-wrapper").get_by_role("textbox", name="Summary")
    summary.click()
    page.keyboard.type("Read the whole policy.")
    expect(summary).to_contain_text("Read the whole policy.")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("ControlOrMeta+c")  # Draftail copies the selection as HTML with a style attribute
    page.get_by_role("button", name="Toggle preview").click()
    # The portal's page in the admin's frame: under the portal's policy, which lets the admin frame it.
    expect(page.frame_locator("#w-preview-iframe").get_by_text("Speak for yourself.")).to_be_visible()
    page.locator("#sections-root").get_by_role("button", name="Insert a block").last.click()
    expect(page.get_by_role("textbox", name="Heading")).to_have_count(4)
    page.get_by_role("textbox", name="Heading").last.fill("Records")
    summary.click()
    page.keyboard.press("ControlOrMeta+a")
    page.get_by_role("button", name="Link").first.click()
    modal = page.locator(".modal-content")
    expect(modal.get_by_role("heading", name="Choose a page")).to_be_visible()
    modal.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Add Amendment").click()  # an InlinePanel
    expect(page.get_by_label("Approved by")).to_be_visible()
    page.get_by_role("button", name="Toggle status").click()
    page.get_by_role("button", name="Set schedule").click()
    page.get_by_label("Go live date/time").click()
    expect(page.locator(".xdsoft_datetimepicker").first).to_be_visible()  # the date picker (an inline script)

    # Uploading an image and a document: thumbnails drawn in the browser, the tags field.
    image = tmp_path / "ward.png"
    Image.new("RGB", (40, 30), "teal").save(image)
    page.goto(f"{live_server.url}/cms/images/multiple/add/")
    page.locator("input[type=file]").set_input_files(image)
    expect(page.get_by_role("button", name="Update")).to_be_visible()
    expect(page.locator(".tagit").first).to_be_visible()
    notes = tmp_path / "notes.txt"
    notes.write_text("Ward notes.")
    page.goto(f"{live_server.url}/cms/documents/multiple/add/")
    page.locator("input[type=file]").set_input_files(notes)
    expect(page.get_by_role("button", name="Update")).to_be_visible()

    # A module's editor: the block chooser (with its previews), a video's document chooser.
    page.goto(f"{live_server.url}/cms/pages/{module.pk}/edit/")
    insert = page.get_by_role("button", name="Insert a block").last
    insert.click()
    page.get_by_role("option", name="Video").click()
    page.get_by_role("button", name="Choose a document").first.click()
    modal.get_by_role("link", name="notes", exact=True).click()
    expect(page.get_by_text("notes").first).to_be_visible()
    insert.click()
    page.get_by_role("listbox").get_by_role("button", name="Preview").last.click()  # the quiz block's
    block_preview = page.frame_locator("iframe[src*='/cms/block-preview/']")
    expect(block_preview.get_by_text("Questions are drawn at random")).to_be_visible()

    # The portal's own admin views (wagtail_hooks), and Wagtail's libraries.
    for path in [
        "/cms/content-to-review/",
        "/cms/snippets/compliance/requirement/",
        "/cms/snippets/compliance/requirement/add/",
        "/cms/snippets/quizzes/question/",
        "/cms/snippets/quizzes/question/add/",
        "/cms/images/",
        "/cms/images/multiple/add/",
        "/cms/documents/",
        "/cms/documents/multiple/add/",
        "/cms/users/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")

    context.close()
    assert violations == [], "\n".join(violations)
    preview = headers.pop(f"{live_server.url}/cms/pages/{policy.pk}/edit/preview/?in_preview_panel=true")
    policy_of_preview = directives(preview)  # the portal's, framed: the order of the directives is not fixed
    assert policy_of_preview["script-src"] == ["'self'"] and policy_of_preview["frame-ancestors"] == ["'self'"]
    assert f"{live_server.url}/cms/" in headers and any("/cms/block-preview/" in url for url in headers), headers
    for url, header in headers.items():
        assert "script-src-attr 'none'" in header and "frame-ancestors 'self'" in header, url
