"""The CMS's Add page refuses a new policy with the title another policy holds (capitals and spacing aside), naming
it and saying what to do: staff, requirements and reports tell policies apart by title, and `import_policy` refuses
the same. Before, the form added a second policy of that title, which staff could attest while requirements named the
first. A title of its own is added as before."""

from html import unescape

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html, rich_text, streamfield

from modules.models import PolicyPage


def _add_form(cms, home_page, title: str) -> dict:
    """The Add page form for a policy below the home page, as the CMS sends it (its sections added, as its scripts
    build them)."""
    url = reverse("wagtailadmin_pages:add", args=["modules", "policypage", home_page.pk])
    data = querydict_from_html(cms.get(url).content.decode(), form_id="page-edit-form").dict()
    data |= {
        "title": title,
        "slug": "new-policy",
        "version_label": "1.0",
        "effective_date": "2026-01-01",
        "next_review_date": "2027-01-01",
        "owner_team": "Communications",
    }
    section = {"number": "1", "heading": "Purpose", "body": rich_text("<p>Why.</p>"), "summary": rich_text("")}
    data |= nested_form_data({"sections": streamfield([("section", section)]), "section_changes": streamfield([])})
    data |= nested_form_data({"amendments": inline_formset([])})
    return data


def _add(cms, home_page, title):
    url = reverse("wagtailadmin_pages:add", args=["modules", "policypage", home_page.pk])
    return cms.post(url, _add_form(cms, home_page, title))


@pytest.mark.parametrize(
    "title", ["Social Media and Digital Content Policy", "  social media and  DIGITAL content policy"]
)
def test_adding_a_policy_with_another_policys_title_is_refused(cms, policy, home_page, title):
    response = _add(cms, home_page, title)

    assert response.status_code == 200
    assert (
        f"Another policy is titled “{policy.title}” (live as version 1.0): staff, requirements and reports tell "
        "policies apart by title." in unescape(response.content.decode())
    )
    assert PolicyPage.objects.count() == 1


def test_adding_a_policy_with_a_title_of_its_own_goes_ahead(cms, policy, home_page):
    response = _add(cms, home_page, "Bring Your Own Device Policy")

    assert response.status_code == 302, response.content.decode()[:3000]
    assert PolicyPage.objects.filter(title="Bring Your Own Device Policy").exists()


def test_adding_a_policy_with_a_title_another_policy_had_is_refused(cms, policy, home_page):
    renamed = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    renamed.title, renamed.version_label = "Digital Content Policy", "1.1"
    renamed.save_revision().publish()

    response = _add(cms, home_page, "Social media and digital content policy")

    assert response.status_code == 200
    assert (
        "Another policy, “Digital Content Policy” (live as version 1.1), had this title in an earlier version"
        in unescape(response.content.decode())
    )
    assert PolicyPage.objects.count() == 1
