"""The preview of a new version (an editor who is also asked to attest the policy, before publishing 2.0) showed 2.0's
text with "Confirm you have read and understood version 1.0" under it: the link to attest the published version,
whose text the preview does not show. A preview of a version not yet published offers no attestation; the preview of
the published version, and the published page, still do."""

from django.contrib.sessions.backends.db import SessionStore
from django.template.loader import render_to_string
from django.test import RequestFactory

from modules.models import PolicyPage
from tests.compliance.test_attestation import attestation, draft_new_version, staff  # noqa: F401 - fixtures


def _rendered(page, person, *, preview: bool) -> str:
    request = RequestFactory().get(page.url or "/")
    request.user, request.is_preview, request.session = person, preview, SessionStore()
    html = render_to_string(page.get_template(request), page.get_context(request), request=request)
    return " ".join(html.split())


def test_the_preview_of_a_new_version_offers_no_attestation_of_the_published_one(person, staff, policy):  # noqa: F811
    draft = draft_new_version(policy, "2.0", PolicyPage.MINOR, section_text="Always.")
    html = _rendered(draft, person, preview=True)
    assert "Always." in html and 'Version</dt><dd class="nhsuk-summary-list__value">2.0<' in html
    assert "Confirm you have read and understood" not in html


def test_the_published_version_offers_it_in_preview_and_live(person, staff, policy):  # noqa: F811
    live = PolicyPage.objects.get(pk=policy.pk)
    for preview in (True, False):
        assert "Confirm you have read and understood version 1.0" in _rendered(live, person, preview=preview)
