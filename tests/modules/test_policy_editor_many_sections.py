"""A long policy is saved from the CMS's editor. The editor sends every section as eight form fields (its type, id,
order, whether deleted, its number, heading, text and summary) and every answer to "what changed" as seven, besides
29 of the page's own: measured in Chromium on the demo's 31-section policy, 278 fields. So a policy of 122 sections, or
of 65 with a new version's answer for each, passed Django's default of 1,000 fields a request: a bare "Bad Request
(400)", and the editor's work lost. The portal now takes 10,000, as Wagtail's own project template does
(portal/settings/base.py)."""

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html, rich_text, streamfield

from modules.models import PolicyPage
from tests import factories

SECTIONS = 130  # a trust's information governance or safeguarding policy: its numbered sections and subsections


def _sections(count: int) -> list:
    return [
        (
            "section",
            {
                "number": f"{n // 10 + 1}.{n % 10 + 1}",
                "heading": f"Heading {n}",
                "body": f"<p>What staff must do, part {n}.</p>",
            },
        )
        for n in range(count)
    ]


def test_a_policy_of_130_sections_is_saved_from_the_editor(cms, home_page):
    policy = factories.make_policy(parent=home_page, sections=_sections(SECTIONS))
    url = reverse("wagtailadmin_pages:edit", args=[policy.pk])
    form = querydict_from_html(cms.get(url).content.decode(), form_id="page-edit-form").dict()
    sections = [
        ("section", {**dict(block.value), "body": rich_text(block.value["body"].source), "summary": rich_text("")})
        for block in policy.sections
    ]
    sections[-1][1]["summary"] = rich_text("<p>In short: part 129.</p>")  # a reading aid: no new version asked
    form.update(nested_form_data({"sections": streamfield(sections), "section_changes": streamfield([])}))
    form.update({f"sections-{n}-id": block.id for n, block in enumerate(policy.sections)})  # as the editor sends
    form.update(nested_form_data({"amendments": inline_formset([])}))
    assert len(form) > 1_000

    response = cms.post(url, form)
    assert response.status_code == 302, response.content.decode()[:300]
    saved = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    assert len(saved.sections) == SECTIONS
    assert "In short: part 129." in saved.sections[-1].value["summary"].source
