from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from modules.models import PolicyPage


def _write(tmp_path, text, name="policy.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_creates_a_draft_policy_with_its_sections_and_reports_them(home_page, tmp_path):
    path = _write(
        tmp_path, "Kindness Policy\nEffective from 1st April 2026\n1. Purpose\nBe kind.\n1.1 Online\n- Be nice\n"
    )
    out = StringIO()
    call_command("import_policy", str(path), "--version-label", "3.1", stdout=out)
    page = PolicyPage.objects.get()
    assert not page.live and page.has_unpublished_changes
    assert page.get_parent().specific == home_page
    assert page.title == "Kindness Policy" and page.version_label == "3.1"
    assert str(page.effective_date) == "2026-04-01" and str(page.next_review_date) == "2027-04-01"
    assert [b.value["number"] for b in page.sections] == ["1", "1.1"]
    assert "<ul><li>Be nice</li></ul>" in page.sections[1].value["body"].source
    report = out.getvalue()
    assert "Found 2 sections" in report
    assert "1.1    Online" in report
    assert f"/cms/pages/{page.pk}/edit/" in report


def test_a_file_without_numbered_headings_is_refused_and_nothing_is_created(home_page, tmp_path):
    path = _write(tmp_path, "Just some prose.\nNo headings here.\n")
    with pytest.raises(CommandError, match="No numbered headings found"):
        call_command("import_policy", str(path), stdout=StringIO())
    assert not PolicyPage.objects.exists()


def test_a_missing_file_is_refused(home_page, tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_policy", str(tmp_path / "nope.txt"), stdout=StringIO())


def test_a_parent_that_cannot_hold_a_policy_is_refused(module_page, tmp_path):
    path = _write(tmp_path, "1. Purpose\nText\n")
    with pytest.raises(CommandError, match="cannot hold a policy page"):
        call_command("import_policy", str(path), "--parent", str(module_page.pk), stdout=StringIO())
    assert PolicyPage.objects.count() == 1  # just the fixture's policy
