"""A new version of a policy: loaded into the existing page, answered section by section (material or minor),
published exactly as answered, with answers that never carry over from one version to the next."""

import datetime
import random
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from modules.models import PolicyPage
from portal.compliance.models import PolicySnapshot, ReattestationRound, Requirement
from tests import factories

V2 = """Social Media and Digital Content Policy

Effective from 1st April 2026

1. Principles

Principles.

1.1 Best practice

Speak for yourself, and say so.

2. Responding to the media

Refer it to the Communications and Engagement Team the same day.
"""
V1_SECTIONS = [
    ("section", {"number": "1", "heading": "Principles", "body": "<p>Principles.</p>"}),
    ("section", {"number": "1.1", "heading": "Best practice", "body": "<p>Speak for yourself.</p>"}),
    ("section", {"number": "2", "heading": "Responding to the media", "body": "<p>Refer it.</p>"}),
]


def _form(page):
    form_class = PolicyPage.get_edit_handler().get_form_class()
    return form_class(instance=page, for_user=None)


def _edit(page, *, label, texts, answers, deadline=None):
    """What an editor does: open the latest revision in the form, change the text, answer, save and publish."""
    draft = PolicyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    form = _form(draft)
    assert list(form.initial["section_changes"] or []) == []  # nothing carried over
    draft.version_label = label
    draft.sections = [
        ("section", {**dict(b.value), "body": f"<p>{texts[b.value['number']]}</p>"})
        if b.value["number"] in texts
        else ("section", dict(b.value))
        for b in draft.sections
    ]
    draft.change_base = form.initial["change_base"]
    draft.section_changes = [
        ("change", {"section": number, "change": change, "reason": reason})
        for number, (change, reason) in answers.items()
    ]
    draft.reattest_deadline = deadline
    draft.full_clean()
    revision = draft.save_revision()
    return draft, revision


def test_import_into_an_existing_policy_makes_its_next_version_as_a_draft(home_page, tmp_path):
    policy = factories.make_policy(parent=home_page, sections=V1_SECTIONS)
    path = tmp_path / "v2.txt"
    path.write_text(V2, encoding="utf-8")
    out = StringIO()
    call_command("import_policy", str(path), "--into", policy.slug, "--version", "2.0", stdout=out)
    assert PolicyPage.objects.count() == 1
    assert "Changed since the published version: section 1.1, 2." in out.getvalue()
    page = PolicyPage.objects.get(pk=policy.pk)
    assert page.version_label == "1.0" and page.has_unpublished_changes  # live page untouched
    draft = page.get_latest_revision_as_object()
    assert draft.version_label == "2.0" and draft.effective_date == datetime.date(2026, 4, 1)
    assert [(c.value["section"], c.value["change"]) for c in draft.section_changes] == [("1.1", ""), ("2", "")]
    with pytest.raises(ValidationError, match="Choose material or minor"):
        draft.full_clean()

    with pytest.raises(CommandError, match="already saved as a draft"):
        call_command("import_policy", str(path), "--into", str(policy.pk), "--version", "2.0", stdout=StringIO())
    assert PolicyPage.objects.count() == 1


def test_changing_the_text_without_a_new_number_asks_for_one_and_the_answers(policy):
    page = PolicyPage.objects.get(pk=policy.pk)
    page.sections = [("section", {**dict(b.value), "body": "<p>Reworded.</p>"}) for b in page.sections][:1] + [
        ("section", dict(b.value)) for b in list(page.sections)[1:]
    ]
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    messages = error.value.message_dict
    assert "give this version a new number" in messages["version_label"][0]
    assert "Say whether the change to section 6 is material or minor" in messages["section_changes"][0]


def test_answers_given_about_an_earlier_version_count_for_nothing(policy):
    page = PolicyPage.objects.get(pk=policy.pk)
    page.version_label = "2.0"
    page.sections = [("section", {**dict(b.value), "body": "<p>New.</p>"}) for b in page.sections]
    page.change_base = "0" * 64  # saved about another version
    page.section_changes = [("change", {"section": n, "change": "minor", "reason": ""}) for n in ("6", "6.2", "9")]
    with pytest.raises(ValidationError, match=r"Say whether the change to section 6, 6\.2, 9"):
        page.full_clean()


def test_a_material_answer_needs_a_reason(policy):
    page = PolicyPage.objects.get(pk=policy.pk)
    page.version_label = "2.0"
    page.sections = [("section", {**dict(b.value), "body": "<p>New.</p>"}) for b in page.sections]
    page.change_base = page.latest_snapshot().content_hash
    page.section_changes = [("change", {"section": n, "change": "material", "reason": ""}) for n in ("6", "6.2", "9")]
    page.reattest_deadline = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError, match=r"Give the reason for the material change to section 6, 6\.2, 9"):
        page.full_clean()


def test_fifty_versions_in_a_row_record_exactly_what_was_chosen_for_each(policy):
    factories.make_requirement(name="Attest", kind=Requirement.ATTEST_POLICY, page=policy)
    rng = random.Random(12)
    numbers = ["6", "6.2", "9"]
    chosen = {}
    for version in range(2, 52):
        label = f"{version}.0"
        touched = rng.sample(numbers, rng.randint(1, 3))
        answers = {
            number: (
                ("material", f"v{version} s{number}: rule changed")
                if rng.random() < 0.5
                else ("minor", rng.choice(["", f"v{version} s{number}: typo"]))
            )
            for number in sorted(touched, key=numbers.index)
        }
        material = any(change == "material" for change, _ in answers.values())
        deadline = timezone.localdate() + datetime.timedelta(days=30 + version) if material else None
        draft, revision = _edit(
            policy, label=label, texts={n: f"Text {version} {n}" for n in touched}, answers=answers, deadline=deadline
        )
        if rng.random() < 0.5:  # a draft saved again before publishing keeps this version's answers
            again = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
            assert list(_form(again).initial["section_changes"])
            revision = again.save_revision()
        revision.publish()
        # The editor's tab autosaves in the same second as the publish: the stale answers land in a new revision.
        draft.save_revision(clean=False)
        chosen[label] = (answers, material, deadline)

    snapshots = PolicySnapshot.objects.filter(page_id=policy.pk).order_by("created_at", "pk")[1:]
    assert [s.version_label for s in snapshots] == list(chosen)
    for snapshot in snapshots:
        answers, material, deadline = chosen[snapshot.version_label]
        recorded = {c["number"]: (c["change"], c["reason"]) for c in snapshot.changes}
        assert recorded == answers, snapshot.version_label
        assert snapshot.material == material
        rounds = ReattestationRound.objects.filter(snapshot=snapshot)
        assert [r.deadline for r in rounds] == ([deadline] if material else [])
        assert snapshot.change_reason == "\n".join(
            f"Section {n}: {reason}" for n, (change, reason) in answers.items() if change == "material"
        )


def test_the_cms_asks_afresh_for_each_version(client, person, policy):
    from django.contrib.auth.models import Group
    from django.urls import reverse

    _edit(
        policy,
        label="2.0",
        texts={"6.2": "Always use the disclaimer."},
        answers={"6.2": ("minor", "Wording")},
    )[1].publish()
    person.groups.add(Group.objects.get(name="Moderators"))
    factories.with_mfa(person)
    factories.sign_in(client, person)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[policy.pk])).content.decode()
    assert "Publishing a new version" in html and "Wording" not in html
    snapshot = PolicySnapshot.objects.filter(page_id=policy.pk).latest()
    assert f'value="{snapshot.content_hash}"' in html and 'type="hidden" name="change_base"' in html


def test_staff_attest_the_ratified_text_and_read_the_summary_beside_it(person_client, home_page):
    policy = factories.make_policy(
        parent=home_page,
        sections=[
            (
                "section",
                {
                    "number": "1",
                    "heading": "Purpose",
                    "body": "<p>The ratified wording of the purpose.</p>",
                    "summary": "<p>Why the policy exists, in brief.</p>",
                },
            )
        ],
    )
    snapshot = PolicySnapshot.objects.get(page_id=policy.pk)
    assert "The ratified wording of the purpose." in snapshot.text and "in brief" not in snapshot.text
    html = person_client.get(policy.url).content.decode()
    assert "The ratified wording of the purpose." in html
    assert 'aria-label="In plain English: section 1"' in html and "Why the policy exists, in brief." in html


def test_the_demo_policy_is_the_ratified_text_with_the_summary_beside_it():
    from modules.policy_import import decode_policy_bytes, parse_policy
    from portal.demo.loader import RATIFIED

    ratified = parse_policy(decode_policy_bytes(RATIFIED.read_bytes()))
    section = next(s for s in ratified.sections if s.number == "10.1")
    assert "Establishing an Official Presence" in section.heading and len(section.html) > 500
