"""import_policy keeps a policy's front matter on the page and imports a filled-in revisions table as its rows,
without repeating a row the portal records itself for a published version; a bad row changes nothing."""

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError

from modules.models import PolicyAmendment, PolicyPage
from portal.compliance.models import PolicySnapshot
from tests.modules.test_import_policy_command import _file, _import

SEED = Path(__file__).resolve().parents[2] / "portal" / "demo" / "content" / "policy.txt"

KINDNESS = """Kindness Policy
Issued by the People Team

Effective from 1st April 2026

Applies to all staff and volunteers

This policy is read in conjunction with:
- Conduct Policy
- Dignity at Work Policy

Policy Revisions and Amendments
Version\tDate\tSection\tReason for change\tApproved by
1.1\t01/03/2023\t1.1\tAdded patience\tPeople Committee
1.2\t02/06/2024\tAll\tAnnual review\tBoard

1. Purpose

Be kind.

1.1 Online

Be patient.
"""
SECOND_ROW_LINE = 15


def _rows(page):
    return [(a.version, a.date, a.section, a.reason, a.approved_by) for a in page.amendments.all()]


def test_the_seed_policy_keeps_its_front_matter_on_the_page(home_page):
    report = _import(str(SEED))

    page = PolicyPage.objects.get()
    assert page.applies_to == "all employees of NHS Warrington Clinical Commissioning Group"
    assert page.related_policy_list[0] == "IT Equipment Policy" and len(page.related_policy_list) == 8
    assert "Bullying and Harassment Policy" in page.related_policy_list
    assert page.front_matter == (
        "<p>NHS Warrington Clinical Commissioning Group Social Media and Digital Content Policy</p>"
    )
    assert not page.amendments.exists()  # its revisions table has no rows yet
    assert "Applies to: all employees of NHS Warrington Clinical Commissioning Group." in report
    assert "Related policies: IT Equipment Policy; Disciplinary Policy; " in report
    assert "Revisions table" not in report


def test_the_front_matter_is_shown_on_the_policy_page(person_client, home_page):
    _import(str(SEED))
    page = PolicyPage.objects.get()
    page.get_latest_revision().publish()

    html = person_client.get(page.url).content.decode()
    assert "All employees of NHS Warrington Clinical Commissioning Group" in html
    assert 'id="related-policies"' in html and "<li>IG Handbook IG Staff Code of Conduct</li>" in html
    assert "NHS Warrington Clinical Commissioning Group Social Media and Digital Content Policy</p>" in html


def test_a_filled_in_revisions_table_becomes_the_pages_rows(home_page, tmp_path):
    report = _import(_file(tmp_path, KINDNESS))

    page = PolicyPage.objects.get()
    assert _rows(page) == [
        ("1.1", datetime.date(2023, 3, 1), "1.1", "Added patience", "People Committee"),
        ("1.2", datetime.date(2024, 6, 2), "All", "Annual review", "Board"),
    ]
    assert page.applies_to == "all staff and volunteers"
    assert page.related_policies == "Conduct Policy\nDignity at Work Policy"
    assert f"Revisions table: 2 rows added (line 14, {SECOND_ROW_LINE})." in report
    page.get_latest_revision().publish()
    assert [(row["version"], row["reason"]) for row in page.revision_rows()] == [
        ("1.1", "Added patience"),
        ("1.2", "Annual review"),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1.2\t31/06/2024\tAll\tAnnual review\tBoard", f"line {SECOND_ROW_LINE}: “31/06/2024” .* is not a date"),
        ("1.2\t02/06/2024\tAll\tAnnual review", f"line {SECOND_ROW_LINE}: this revisions row gives no approved by"),
        (
            f"1.2\t02/06/2024\t{'1.1, ' * 10}1.2\tAnnual review\tBoard",
            f"line {SECOND_ROW_LINE}, in the revisions table: section: Ensure this value has at most 40 characters",
        ),
    ],
)
def test_a_bad_revisions_row_is_refused_naming_its_line_and_nothing_is_written(home_page, tmp_path, row, message):
    text = KINDNESS.replace("1.2\t02/06/2024\tAll\tAnnual review\tBoard", row)
    with pytest.raises(CommandError, match=f"(?i)Cannot import policy.txt: {message}"):
        _import(_file(tmp_path, text))
    assert not PolicyPage.objects.exists() and not PolicyAmendment.objects.exists()


def _publish_version(page_pk, label, text):
    """Publish the next version through the portal, as an editor would in the CMS: one changed section, minor."""
    draft = PolicyPage.objects.get(pk=page_pk).get_latest_revision_as_object()
    latest = draft.latest_snapshot()
    draft.version_label = label
    draft.sections = [("section", {**dict(b.value), "body": f"<p>{text}</p>"}) for b in draft.sections[:1]] + [
        ("section", dict(b.value)) for b in draft.sections[1:]
    ]
    draft.change_base = latest.content_hash
    draft.section_changes = [("change", {"section": "1", "change": "minor", "reason": "Wording"})]
    draft.full_clean()
    draft.save_revision().publish()


def test_into_an_existing_policy_rows_the_portal_records_for_its_versions_are_not_repeated(home_page, tmp_path):
    first = KINDNESS.replace("Policy Revisions and Amendments\n", "").split("Version\tDate")[0]
    first += "\n1. Purpose\n\nBe kind.\n\n1.1 Online\n\nBe patient.\n"
    _import(_file(tmp_path, first, "v1.txt"), "--version", "1.3")
    policy = PolicyPage.objects.get()
    policy.get_latest_revision().publish()
    _publish_version(policy.pk, "2.0", "Be kind to everyone.")
    published_on = PolicySnapshot.objects.filter(page_id=policy.pk).latest().created_at.date()
    # The document as the policy team keeps it: its table lists the versions before the portal (1.1, 1.2), the one
    # the portal published (2.0, once by version, once by date only) and the one being loaded now (3.0).
    rows = (
        "1.1\t01/03/2023\t1.1\tAdded patience\tPeople Committee\n"
        "1.2\t02/06/2024\tAll\tAnnual review\tBoard\n"
        "2.0\t05/05/2026\t1\tWording\tPeople Committee\n"
        f"\t{published_on:%d/%m/%Y}\t1\tWording\tPeople Committee\n"
        "3.0\t01/04/2026\t1.1\tOnline kindness\tBoard\n"
    )
    v3 = (
        KINDNESS.replace(
            "1.1\t01/03/2023\t1.1\tAdded patience\tPeople Committee\n1.2\t02/06/2024\tAll\tAnnual review\tBoard\n", rows
        )
        .replace("Be patient.", "Be patient and kind.")
        .replace("Be kind.", "Be kind to everyone.")
    )
    path = _file(tmp_path, v3, "v3.txt")

    report = _import(path, "--into", policy.slug, "--version", "3.0")
    with pytest.raises(CommandError, match="already saved as a draft"):  # loaded twice: still one of each row
        _import(path, "--into", policy.slug, "--version", "3.0")

    live = PolicyPage.objects.get(pk=policy.pk)
    assert not live.amendments.exists()  # the live page is untouched until the version is published
    draft = live.get_latest_revision_as_object()
    assert [(a.version, a.reason) for a in draft.amendments.all()] == [
        ("1.1", "Added patience"),
        ("1.2", "Annual review"),
    ]
    assert "Revisions table: 2 rows added (line 14, 15)." in report
    assert "Revisions table: line 16 left out: the portal records version 2.0 when it is published." in report
    assert (
        f"Revisions table: line 17 left out: the portal records the version published or effective on "
        f"{published_on.day} {published_on:%B %Y}." in report
    )
    assert "Revisions table: line 18 left out: the portal records version 3.0 when it is published." in report

    draft.section_changes = [("change", {"section": "1.1", "change": "minor", "reason": "Online kindness"})]
    draft.full_clean()
    draft.save_revision().publish()
    live = PolicyPage.objects.get(pk=policy.pk)
    assert [(row["version"], row["reason"]) for row in live.revision_rows()] == [
        ("1.1", "Added patience"),
        ("1.2", "Annual review"),
        ("2.0", "1: Wording"),
        ("3.0", "1.1: Online kindness"),
    ]
    assert live.applies_to == "all staff and volunteers"


def test_into_an_existing_policy_a_bad_revisions_row_changes_nothing(policy, tmp_path):
    revisions_before = policy.revisions.count()
    text = KINDNESS.replace("1.2\t02/06/2024", "1.2\tlast June")
    with pytest.raises(CommandError, match=f"Line {SECOND_ROW_LINE}: “last June” in the revisions table is not a date"):
        _import(_file(tmp_path, text), "--into", str(policy.pk), "--version", "2.0")
    assert policy.revisions.count() == revisions_before
    assert PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object().version_label == "1.0"
