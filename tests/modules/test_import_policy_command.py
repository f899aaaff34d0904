import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from modules.models import PolicyPage

KINDNESS = """Kindness Policy

Effective from 29th February 2024

Contents
1. Purpose\t2
1.1 Online\t2

1. Purpose

Be **kind**.

1.1 Online

- Be nice
- Be patient
"""


def _file(tmp_path, text, name="policy.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _import(*args) -> str:
    out = StringIO()
    call_command("import_policy", *args, stdout=out)
    return out.getvalue()


def test_import_creates_a_draft_policy_with_its_sections_under_the_home_page(home_page, tmp_path):
    _import(_file(tmp_path, KINDNESS), "--version", "3.1")

    page = PolicyPage.objects.get()
    assert not page.live and page.has_unpublished_changes
    assert page.latest_revision is not None
    assert page.get_parent().specific == home_page
    assert (page.title, page.version_label) == ("Kindness Policy", "3.1")
    assert page.owner_team == "Communications and Engagement Team"
    assert page.effective_date == datetime.date(2024, 2, 29)
    assert page.next_review_date == datetime.date(2025, 2, 28)
    assert [(b.value["number"], b.value["heading"]) for b in page.sections] == [("1", "Purpose"), ("1.1", "Online")]
    assert page.sections[0].value["body"].source == "<p>Be <strong>kind</strong>.</p>"
    assert page.sections[1].value["body"].source == "<ul><li>Be nice</li><li>Be patient</li></ul>"


def test_import_reports_the_sections_then_the_page_and_its_edit_url(home_page, tmp_path, settings):
    report = _import(_file(tmp_path, KINDNESS)).splitlines()

    page = PolicyPage.objects.get()
    assert report[:3] == ["Found 2 sections in policy.txt:", "  1 Purpose", "  1.1 Online"]
    assert report[3] == (
        f"Created draft policy page {page.pk}: “Kindness Policy”, version 1.0, effective 29 February 2024, "
        "review by 28 February 2025."
    )
    assert report[4].startswith("Owner shown to staff: Communications and Engagement Team (the default")
    assert report[5] == f"Review and publish it: {settings.WAGTAILADMIN_BASE_URL}/cms/pages/{page.pk}/edit/"


def test_options_set_the_parent_title_version_and_owner_team(home_page, tmp_path):
    _import(
        _file(tmp_path, "1. Purpose\nBe kind.\n"),
        f"--parent={home_page.pk}",
        "--title=Kindness",
        "--version-label=2.0",
        "--owner-team=People Team",
    )

    page = PolicyPage.objects.get()
    assert page.get_parent().pk == home_page.pk
    assert (page.title, page.version_label, page.owner_team) == ("Kindness", "2.0", "People Team")


def test_without_an_effective_date_today_is_used_and_said(home_page, tmp_path):
    report = _import(_file(tmp_path, "Kindness Policy\n1. Purpose\n"))

    page = PolicyPage.objects.get()
    assert page.effective_date == timezone.localdate()
    assert page.next_review_date.year == page.effective_date.year + 1
    assert "no 'Effective from' date" in report


def test_importing_the_same_file_twice_makes_no_second_draft(home_page, tmp_path):
    """What the refusal says: tests/modules/test_import_policy_already_there.py."""
    path = _file(tmp_path, KINDNESS)
    _import(path)
    with pytest.raises(CommandError, match="the portal already has"):
        _import(path)

    assert list(PolicyPage.objects.values_list("slug", flat=True)) == ["kindness-policy"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Just some prose.\nNo headings here.\n", "Cannot import policy.txt: No numbered headings found"),
        ("", "Cannot import policy.txt: The file is empty"),
        ("1. Purpose\nBe kind.\n", "no title line before its first heading: give one with --title"),
    ],
)
def test_a_document_that_cannot_be_imported_is_refused_and_nothing_is_written(policy, tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        _import(_file(tmp_path, text))
    assert PolicyPage.objects.count() == 1  # just the fixture's policy


def test_a_missing_file_is_refused(home_page, tmp_path):
    with pytest.raises(CommandError, match=r"There is no file at .*nope\.txt"):
        _import(str(tmp_path / "nope.txt"))
    assert not PolicyPage.objects.exists()


def test_a_parent_that_cannot_hold_a_policy_is_refused(policy, tmp_path):
    with pytest.raises(CommandError, match=f"page {policy.pk}\\) cannot hold a policy page"):
        _import(_file(tmp_path, KINDNESS), "--parent", str(policy.pk))
    assert PolicyPage.objects.count() == 1


def test_a_parent_that_does_not_exist_is_refused(home_page, tmp_path):
    with pytest.raises(CommandError, match="There is no page with id 999999"):
        _import(_file(tmp_path, KINDNESS), "--parent", "999999")
    assert not PolicyPage.objects.exists()


def test_without_a_home_page_the_import_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="There is no home page") as refusal:
        _import(_file(tmp_path, KINDNESS))
    assert "Run python manage.py setup_site first" in str(refusal.value)
    assert "load_demo" not in str(refusal.value)  # the demo is for development only: never the way to set up
    assert not PolicyPage.objects.exists()


def test_a_page_that_is_not_valid_is_refused_and_nothing_is_written(home_page, tmp_path):
    with pytest.raises(CommandError, match=r"The policy page is not valid: .*at most 255 characters"):
        _import(_file(tmp_path, KINDNESS), "--title", "T" * 300)
    assert not PolicyPage.objects.exists()


def test_a_file_that_cannot_be_read_is_refused_by_name(home_page, tmp_path, unreadable_file):
    """No permission to read it, say: a refusal naming the file, not a traceback."""
    path = unreadable_file(_file(tmp_path, KINDNESS))
    with pytest.raises(CommandError) as refusal:
        _import(str(path))
    assert str(refusal.value) == f"Cannot read {path}: Permission denied. Nothing was changed."
    assert not PolicyPage.objects.exists()
