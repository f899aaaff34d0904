"""The policy editor in the CMS, as an editor reaches it (signed in with a second factor), passes axe: each rich-text
editor (the summary, the front matter, every section's ratified text and plain-English summary) is named by its
label, which Wagtail's Draftail widget does not do by itself (aria-input-field-name; modules/rich_text.py)."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import expect

from modules.models import PolicyPage
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB

SEED = Path(__file__).resolve().parents[2] / "portal" / "demo" / "content" / "policy.txt"


def test_the_policy_editor_passes_axe_with_every_rich_text_editor_named(page, live_server, site, axe_check):
    call_command("import_policy", str(SEED), stdout=StringIO())
    policy = PolicyPage.objects.get()
    policy.get_latest_revision().publish()
    editor = factories.make_user(email="editor@example.nhs.uk", is_superuser=True)
    factories.with_mfa(editor)

    sign_in_by_session(page, live_server.url, editor)
    page.goto(f"{live_server.url}/cms/pages/{policy.pk}/edit/")
    editors = page.locator(".public-DraftEditor-content[role=textbox]")
    # The summary, the other front matter, and the ratified text and summary of each of the 31 sections.
    expect(editors).to_have_count(2 + 2 * 31)
    expect(page.get_by_role("textbox", name="Body", exact=True)).to_have_count(31)
    expect(page.get_by_role("textbox", name="Other front matter", exact=True)).to_have_count(1)
    # Wagtail's own minimap toggle is left out: for a moment after the page loads, Wagtail's floating "Collapse all"
    # button and its side panel's close button sit over it, so axe finds it half covered in about half the runs
    # (Wagtail's chrome, not the portal's; the rest of the page, every editor included, is checked).
    axe_check(page, leave_out=("#w-minimap-toggle",))
