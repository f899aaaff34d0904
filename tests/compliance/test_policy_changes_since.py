"""What a person sees after several versions: every material change since their attestation, each section marked
material or minor on its own, the words that changed, and a row per version in the revisions table."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from modules.models import PolicyPage
from portal.compliance.diff import word_diff
from portal.compliance.models import PolicySnapshot, Requirement, RequirementStatus
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance.test_attestation import attest


@pytest.fixture
def attestation(policy):
    return factories.make_requirement(name="Attest the policy", kind=Requirement.ATTEST_POLICY, page=policy)


@pytest.fixture
def staff(person, attestation):
    staff = factories.make_staff(user=person)
    refresh(staff_ids=[staff.pk])
    return staff


def publish(policy, label, texts, answers, deadline=None):
    page = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    page.version_label = label
    page.sections = [
        ("section", {**dict(b.value), "body": f"<p>{texts.get(b.value['number'], '')}</p>"})
        if b.value["number"] in texts
        else ("section", dict(b.value))
        for b in page.sections
    ]
    page.change_base = page.latest_snapshot().content_hash
    page.section_changes = [
        ("change", {"section": n, "change": change, "reason": reason}) for n, (change, reason) in answers.items()
    ]
    page.reattest_deadline = deadline
    page.full_clean()
    page.save_revision().publish()
    return PolicySnapshot.objects.filter(page_id=policy.pk).latest()


def test_the_reason_is_every_material_change_since_the_persons_attestation(person_client, staff, policy, attestation):
    url = reverse("attestation:attest", args=[attestation.pk])
    attest(person_client, attestation.pk)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    publish(
        policy,
        "2.0",
        {"6.2": "Always use the disclaimer.", "9": "Refer it at once."},
        {"6.2": ("material", "You must now use the disclaimer"), "9": ("minor", "Clearer wording")},
        deadline,
    )
    publish(policy, "2.1", {"9": "Refer it at once, please."}, {"9": ("minor", "Grammar fix in section 9")})

    row = RequirementStatus.objects.get(staff=staff)
    assert row.due_on == deadline  # the minor 2.1 changed nothing about the round
    html = person_client.get(url).content.decode()
    assert "What has changed since version 1.0" in html
    assert "You must attest again because of this change" in html
    assert "Section 6.2 Best practice (version 2.0): You must now use the disclaimer" in html
    assert "Grammar fix" not in html and "Clearer wording" not in html
    material, minor = html.index("Material change"), html.index("Minor changes: wording only")
    assert material < minor and html.count("Material change") == 1
    assert "Section 9 Responding to the media <strong" in html[minor:]
    assert '[added: </span>Always use the disclaimer.<span class="nhsuk-u-visually-hidden">]</span></ins>' in html
    assert '[removed: </span>Speak for yourself.<span class="nhsuk-u-visually-hidden">]</span></del>' in html
    assert "I have read and understood version 2.1" in html


def test_material_changes_in_two_versions_are_both_given(person_client, staff, policy, attestation):
    url = reverse("attestation:attest", args=[attestation.pk])
    attest(person_client, attestation.pk)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    publish(
        policy, "2.0", {"6.2": "Always use the disclaimer."}, {"6.2": ("material", "Disclaimer now required")}, deadline
    )
    publish(policy, "3.0", {"9": "Refer it at once."}, {"9": ("material", "Refer at once")}, deadline)
    html = person_client.get(url).content.decode()
    assert "(version 2.0): Disclaimer now required" in html and "(version 3.0): Refer at once" in html
    assert html.count("Material change") == 2


def test_the_revisions_table_gains_a_row_per_published_version(person_client, policy):
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    publish(
        policy,
        "2.0",
        {"6.2": "Always use the disclaimer.", "9": "Refer it at once."},
        {"6.2": ("material", "Disclaimer now required"), "9": ("minor", "")},
        deadline,
    )
    publish(policy, "2.1", {"9": "Refer it at once, please."}, {"9": ("minor", "Grammar")})
    rows = PolicyPage.objects.get(pk=policy.pk).revision_rows()
    assert [(r["version"], r["sections"], r["change"], r["reason"]) for r in rows] == [
        ("2.0", "6.2 (material); 9 (minor)", "Material", "6.2: Disclaimer now required"),
        ("2.1", "9 (minor)", "Minor", "9: Grammar"),
    ]
    html = person_client.get(PolicyPage.objects.get(pk=policy.pk).url).content.decode()
    assert "No revisions or amendments" not in html and "6.2 (material); 9 (minor)" in html


def test_word_diff_marks_only_the_words_that_changed():
    assert word_diff("fewer than 100 followers after six months", "fewer than 250 followers after three months") == [
        ("equal", "fewer than"),
        ("delete", "100"),
        ("insert", "250"),
        ("equal", "followers after"),
        ("delete", "six"),
        ("insert", "three"),
        ("equal", "months"),
    ]


def test_home_my_training_and_the_reminder_say_why(person_client, staff, policy, attestation, home_page, mailoutbox):
    from portal.compliance.reminder_sending import reminders_send

    attest(person_client, attestation.pk)
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    publish(
        policy,
        "2.0",
        {"6.2": "Always use the disclaimer.", "9": "Refer it at once."},
        {"6.2": ("material", "Disclaimer now required"), "9": ("minor", "Wording")},
        deadline,
    )
    publish(policy, "2.1", {"9": "Refer it at once, please."}, {"9": ("minor", "Grammar")})
    today = timezone.localdate()
    said = (
        f"The Social Media and Digital Content Policy changed on {today.day} {today:%B %Y} (version 2.1) in section "
        f"6.2 Best practice. Attest again by {deadline.day} {deadline:%B %Y}."
    )
    for url in [home_page.url, reverse("reports:my_training")]:
        html = " ".join(person_client.get(url).content.decode().split())
        assert said in html, url
        assert "section 9" not in html
    reminders_send(today)
    body = next(m.body for m in mailoutbox if m.to == [staff.work_email])
    assert "Social Media and Digital Content Policy changed on" in body
    assert "- Section 6.2 Best practice: Disclaimer now required" in body and "Grammar" not in body
    assert f"attest again by {deadline:%A} {deadline.day} {deadline:%B %Y}" in body

    attest(person_client, attestation.pk)
    assert "changed on" not in person_client.get(home_page.url).content.decode()
