"""import_policy run a second time (by someone unsure whether the first run worked) adds no second policy: a new
policy with the title or the text of one the portal holds is refused, naming it, and nothing is saved. The same
version imported again --into its policy is refused too, leaving the draft and the editor's answers as they were."""

import pytest
from django.core.management import CommandError
from wagtail.models import Revision

from modules.models import PolicyPage
from portal.compliance.models import PolicySnapshot
from tests.modules.test_import_policy_command import KINDNESS, _file, _import

SOCIAL_MEDIA = """Social Media and Digital Content Policy

1. Principles

Think before you post.
"""


def _saved() -> tuple:
    return (
        list(PolicyPage.objects.order_by("pk").values_list("pk", "slug", "latest_revision_id")),
        Revision.objects.count(),
    )


def test_the_same_file_imported_again_is_refused_naming_the_draft_and_nothing_is_saved(home_page, tmp_path, settings):
    path = _file(tmp_path, KINDNESS)
    _import(path)
    page = PolicyPage.objects.get()
    before = _saved()

    with pytest.raises(CommandError) as refusal:
        _import(path)

    assert str(refusal.value).splitlines() == [
        "Cannot import policy.txt as a new policy: the portal already has",
        f"  page {page.pk}, “Kindness Policy”, a draft of version 1.0, never published, with the same title and the "
        f"same text as its version 1.0: {settings.WAGTAILADMIN_BASE_URL}/cms/pages/{page.pk}/edit/",
        "If policy.txt is that policy, it was imported already: there is nothing more to do (its draft waits to be "
        f"reviewed and published in the CMS). If it is the policy's next version, import it with --into {page.pk} "
        "--version N (N: the new version's number). If it is another policy, give it a title of its own with "
        "--title. Nothing was saved.",
    ]
    assert _saved() == before


def test_a_live_policy_with_the_same_title_refuses_another_text(policy, tmp_path):
    """Capitals and spacing aside: a second “Social media and digital content policy” with other words is refused,
    the live version and the draft named."""
    draft = policy.get_latest_revision_as_object()
    draft.version_label = "1.1"
    draft.save_revision()
    before = _saved()

    with pytest.raises(CommandError) as refusal:
        _import(
            _file(
                tmp_path, SOCIAL_MEDIA.replace("Social Media and Digital Content", "Social  media and digital content")
            )
        )

    message = str(refusal.value)
    assert (
        f"  page {policy.pk}, “Social Media and Digital Content Policy”, live as version 1.0, with a draft of version "
        "1.1, with the same title:" in message
    )
    assert f"--into {policy.pk} --version N (N: the new version's number; the latest published is 1.0)" in message
    assert _saved() == before


def test_the_text_of_a_published_version_under_another_title_is_refused(home_page, tmp_path):
    path = _file(tmp_path, KINDNESS)
    _import(path)
    page = PolicyPage.objects.get()
    page.get_latest_revision().publish()
    live = PolicyPage.objects.get()
    live.title = "Being Kind"  # renamed since, as a minor version
    live.version_label = "1.1"
    live.save_revision().publish()
    assert PolicySnapshot.objects.filter(page_id=page.pk).count() == 2
    before = _saved()

    with pytest.raises(CommandError) as refusal:
        _import(path, "--title", "Kindness at Work")

    message = str(refusal.value)
    assert f"page {page.pk}, “Being Kind”, live as version 1.1, with the same text as its version 1.1:" in message
    assert "it was imported already: there is nothing more to do. If it is" in message  # no draft waits
    assert _saved() == before


def test_a_policy_with_a_title_and_text_of_its_own_is_added(policy, tmp_path):
    _import(_file(tmp_path, KINDNESS))

    assert PolicyPage.objects.filter(title="Kindness Policy").exclude(pk=policy.pk).count() == 1


def test_the_next_version_goes_into_the_policy_the_refusal_names(home_page, tmp_path):
    _import(_file(tmp_path, KINDNESS))
    page = PolicyPage.objects.get()
    page.get_latest_revision().publish()
    v2 = _file(tmp_path, KINDNESS.replace("Be **kind**.", "Be kind to everyone."), "v2.txt")
    with pytest.raises(CommandError, match=f"--into {page.pk} --version N"):
        _import(v2)

    report = _import(v2, "--into", str(page.pk), "--version", "2.0")

    assert "Changed since the published version: section 1." in report
    assert PolicyPage.objects.count() == 1
    assert PolicyPage.objects.get().get_latest_revision_as_object().version_label == "2.0"


def test_the_same_version_imported_into_its_policy_again_is_refused_and_the_answers_are_kept(home_page, tmp_path):
    _import(_file(tmp_path, KINDNESS))
    page = PolicyPage.objects.get()
    page.get_latest_revision().publish()
    v2 = _file(tmp_path, KINDNESS.replace("Be **kind**.", "Be kind to everyone."), "v2.txt")
    _import(v2, "--into", str(page.pk), "--version", "2.0")
    draft = PolicyPage.objects.get().get_latest_revision_as_object()
    draft.section_changes = [("change", {"section": "1", "change": "minor", "reason": ""})]
    draft.save_revision()  # the editor's answer, in the CMS
    before = _saved()

    with pytest.raises(CommandError) as refusal:
        _import(v2, "--into", str(page.pk), "--version", "2.0")

    assert str(refusal.value).startswith(
        f"Version 2.0 of “Kindness Policy” (page {page.pk}) is already saved as a draft with the text of v2.txt: it "
        "was imported already, and there is nothing to do. Review and publish it: "
    )
    assert _saved() == before
    answers = PolicyPage.objects.get().get_latest_revision_as_object().section_changes
    assert [(c.value["section"], c.value["change"]) for c in answers] == [("1", "minor")]


def test_a_version_imported_and_published_already_is_refused_as_such(home_page, tmp_path):
    path = _file(tmp_path, KINDNESS)
    _import(path)
    page = PolicyPage.objects.get()
    page.get_latest_revision().publish()
    before = _saved()

    with pytest.raises(CommandError, match=r"already published with the text of policy\.txt: it was imported and"):
        _import(path, "--into", str(page.pk), "--version", "1.0")
    assert _saved() == before


def test_into_a_policy_never_published_says_so(home_page, tmp_path):
    _import(_file(tmp_path, KINDNESS))
    page = PolicyPage.objects.get()

    report = _import(
        _file(tmp_path, KINDNESS.replace("Be **kind**.", "Be kind."), "v2.txt"),
        "--into",
        str(page.pk),
        "--version",
        "1.1",
    )

    assert "No version of it is published yet: this is its draft now." in report
    assert "the same as the published version" not in report
