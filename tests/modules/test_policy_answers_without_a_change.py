"""An answer about a section whose text has not changed is refused, also when no section's text has changed. The CMS
refused such a row beside a real change, but with none (a new number for the same text, a section changed and changed
back, a summary reworded) it saved the page and published a minor version: an editor who had marked section 6.2
material, with a reason and a re-attest by date, believed everyone would be asked to attest again, and nobody was."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from modules.models import PolicyPage
from portal.compliance.models import PolicySnapshot, ReattestationRound


def _same_text_as_version_2(policy, change: str, **fields) -> PolicyPage:
    page = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    page.version_label = "2.0"
    page.change_base = PolicySnapshot.objects.get(page_id=policy.pk).content_hash
    page.section_changes = [("change", {"section": "6.2", "change": change, "reason": "Disclaimers now required"})]
    page.reattest_deadline = timezone.localdate() + datetime.timedelta(days=30) if change == "material" else None
    for name, value in fields.items():
        setattr(page, name, value)
    return page


def test_a_material_answer_about_a_section_that_has_not_changed_is_refused(policy):
    page = _same_text_as_version_2(policy, PolicyPage.MATERIAL)

    with pytest.raises(ValidationError) as refused:
        page.full_clean()

    assert refused.value.message_dict == {"section_changes": ["Section 6.2 has not changed since version 1.0."]}
    with pytest.raises(ValidationError):
        page.save_revision().publish()
    assert list(PolicySnapshot.objects.filter(page_id=policy.pk).values_list("version_label", flat=True)) == ["1.0"]
    assert not ReattestationRound.objects.exists()


def test_reopening_modules_with_no_change_is_refused_too(policy):
    page = _same_text_as_version_2(policy, PolicyPage.MINOR, section_changes=[], reopen_modules=True)

    with pytest.raises(ValidationError) as refused:
        page.full_clean()

    assert list(refused.value.message_dict) == ["reopen_modules"]


def test_a_new_number_for_the_same_text_with_no_answers_is_still_a_minor_version(policy):
    page = _same_text_as_version_2(policy, PolicyPage.MINOR, section_changes=[])
    page.full_clean()
    page.save_revision().publish()

    latest = PolicySnapshot.objects.filter(page_id=policy.pk).latest()
    assert (latest.version_label, latest.material, latest.changes) == ("2.0", False, [])
