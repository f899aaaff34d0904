"""`import_policy --into` gives a version the number the CMS would: it refuses a number an earlier version of the
policy had, one the page's field cannot hold, and no number at all, and saves nothing. It saved such a draft
(without --version, as "1.0" after 2.0 was published), which the CMS then refused to save or publish, and its report
named the live version's number, not the draft's."""

import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from modules.models import PolicyPage
from tests.compliance.test_attestation import draft_new_version

VERSION_3 = """Social Media and Digital Content Policy

1. Principles

Principles.

1.1 Best practice

Speak only for yourself.

2. Responding to the media

Refer it the same day.
"""


@pytest.fixture
def policy_at_2(policy):
    """The policy with versions 1.0 and 2.0 published."""
    draft = draft_new_version(policy, "2.0", PolicyPage.MINOR, section_text="Speak for yourself, not for us.")
    draft.save_revision().publish()
    return PolicyPage.objects.get(pk=policy.pk)


@pytest.fixture
def version_3(tmp_path) -> str:
    path = tmp_path / "policy-v3.txt"
    path.write_text(VERSION_3, encoding="utf-8")
    return str(path)


def _import(*args) -> str:
    out = StringIO()
    call_command("import_policy", *args, stdout=out)
    return out.getvalue()


def _latest_revision_id(policy) -> int:
    return PolicyPage.objects.get(pk=policy.pk).latest_revision_id


def test_a_number_an_earlier_version_had_is_refused_as_the_cms_refuses_it(policy_at_2, version_3):
    before = _latest_revision_id(policy_at_2)
    with pytest.raises(CommandError) as refused:
        _import(version_3, "--into", str(policy_at_2.pk), "--version", "1.0")

    assert str(refused.value).startswith("Cannot import policy-v3.txt as version 1.0: Version 1.0 of this policy was")
    assert "each version needs a number of its own" in str(refused.value)
    assert "(the latest published is 2.0)" in str(refused.value)
    assert str(refused.value).endswith("Nothing was saved.")
    assert _latest_revision_id(policy_at_2) == before
    # The front door: the CMS's check of the same draft names the same problem on the version field.
    draft = PolicyPage.objects.get(pk=policy_at_2.pk).get_latest_revision_as_object()
    draft.version_label = "1.0"
    with pytest.raises(ValidationError) as cms:
        draft.full_clean()
    assert cms.value.message_dict["version_label"][0] in str(refused.value)


def test_without_a_number_the_new_version_is_refused_not_saved_as_1_0(policy_at_2, version_3):
    before = _latest_revision_id(policy_at_2)
    with pytest.raises(CommandError) as refused:
        _import(version_3, "--into", policy_at_2.slug)

    assert str(refused.value) == (
        "Give the new version's number with --version (the latest published is 2.0). Nothing was saved."
    )
    assert _latest_revision_id(policy_at_2) == before


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("2.1-" + "x" * 17, "Ensure this value has at most 20 characters (it has 21)."),
        ("   ", "Give the new version's number with --version (the latest published is 2.0)."),
    ],
)
def test_a_number_the_page_cannot_hold_is_refused(policy_at_2, version_3, number, message):
    before = _latest_revision_id(policy_at_2)
    with pytest.raises(CommandError, match=re.escape(message)):
        _import(version_3, "--into", str(policy_at_2.pk), "--version", number)
    assert _latest_revision_id(policy_at_2) == before


def test_the_draft_takes_the_number_given_without_spaces_and_the_report_names_it(policy_at_2, version_3):
    report = _import(version_3, "--into", str(policy_at_2.pk), "--version", " 3.0 ")

    draft = PolicyPage.objects.get(pk=policy_at_2.pk).get_latest_revision_as_object()
    assert draft.version_label == "3.0"
    assert PolicyPage.objects.get(pk=policy_at_2.pk).version_label == "2.0"  # the live page is untouched
    assert "Saved version 3.0 of “Social Media and Digital Content Policy”" in report
    assert "Saved version 2.0" not in report


def test_a_new_policy_is_still_version_1_0_by_default_and_an_empty_number_is_refused(home_page, version_3):
    _import(version_3)
    assert PolicyPage.objects.get().version_label == "1.0"

    with pytest.raises(CommandError, match="--version is empty"):
        _import(version_3, "--version", " ")
    assert PolicyPage.objects.count() == 1
