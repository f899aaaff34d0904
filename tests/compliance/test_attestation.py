import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from modules.models import PolicyPage, ReviewFlag
from portal.compliance import status
from portal.compliance.models import EvidenceEntry, PolicySnapshot, ReattestationRound, Requirement, RequirementStatus
from portal.compliance.projection import refresh
from tests import factories


@pytest.fixture
def attestation(policy):
    requirement = factories.make_requirement(
        name="Social media policy: annual attestation", kind=Requirement.ATTEST_POLICY, page=policy, renewal_months=12
    )
    return requirement


@pytest.fixture
def staff(person, attestation):
    staff = factories.make_staff(user=person)
    refresh(staff_ids=[staff.pk])
    return staff


def attest(client, requirement_id: int, **fields):
    """Tick and send the attestation form as the page shows it, naming the version the page showed."""
    url = reverse("attestation:attest", args=[requirement_id])
    shown = re.search(r'name="snapshot" value="(\d+)"', client.get(url).content.decode())[1]
    return client.post(url, {"confirm": "on", "snapshot": shown, **fields})


def publish_new_version(policy, label, change_type, reason="", deadline=None, section_text="Speak for yourself."):
    """A new version changing section 6.2, answered as the editor would in the CMS, published now."""
    draft_new_version(policy, label, change_type, reason, deadline, section_text).save_revision().publish()
    return PolicySnapshot.objects.filter(page_id=policy.pk).latest()


def draft_new_version(
    policy, label, change_type, reason="", deadline=None, section_text="Speak for yourself.", go_live_at=None
) -> PolicyPage:
    """The page with a new version changing section 6.2, answered as the editor would in the CMS, checked as the CMS
    checks it before saving; not yet saved."""
    policy = PolicyPage.objects.get(pk=policy.pk)
    policy.go_live_at = go_live_at
    policy.version_label = label
    policy.change_base = policy.latest_snapshot().content_hash
    policy.section_changes = [("change", {"section": "6.2", "change": change_type, "reason": reason})]
    policy.reattest_deadline = deadline
    sections = [dict(b.value) for b in policy.sections]
    policy.sections = [
        ("section", {**s, "body": f"<p>{section_text}</p>"} if s["number"] == "6.2" else s) for s in sections
    ]
    policy.full_clean()
    return policy


def test_publishing_a_policy_freezes_its_text(policy):
    snapshot = PolicySnapshot.objects.get(page_id=policy.pk)
    assert snapshot.version_label == "1.0"
    assert "6.2 Best practice\nSpeak for yourself." in snapshot.text
    assert len(snapshot.content_hash) == 64


def test_the_attestation_page_shows_the_statement(person_client, staff):
    row = RequirementStatus.objects.get(staff=staff)
    html = person_client.get(reverse("attestation:attest", args=[row.requirement_id])).content.decode()
    assert "I have read and understood version 1.0 of the Social Media and Digital Content Policy" in html
    assert "What has changed" not in html


def test_attesting_records_one_fact_pinned_to_the_exact_text(person_client, staff, policy):
    row = RequirementStatus.objects.get(staff=staff)
    url = reverse("attestation:attest", args=[row.requirement_id])
    shown = {"confirm": "on", "snapshot": PolicySnapshot.objects.get(page_id=policy.pk).pk}
    first = person_client.post(url, shown)
    second = person_client.post(url, shown)  # a double click
    assert first.status_code == second.status_code == 302
    entry = EvidenceEntry.objects.get(staff=staff)
    snapshot = PolicySnapshot.objects.get(page_id=policy.pk)
    assert entry.snapshot == snapshot and entry.source == EvidenceEntry.ATTESTATION
    text, digest = snapshot.text, snapshot.content_hash
    page = PolicyPage.objects.get(pk=policy.pk)
    page.title, page.version_label = "Renamed later", "1.1"  # a new title is a new version (it needs a number)
    page.save_revision()  # a later draft edit never touches the snapshot
    snapshot.refresh_from_db()
    assert (snapshot.text, snapshot.content_hash) == (text, digest)
    done = person_client.get(first["Location"]).content.decode()
    assert "Attestation recorded" in done and digest[:12] in done


def test_an_unticked_statement_shows_an_error_and_records_nothing(person_client, staff):
    row = RequirementStatus.objects.get(staff=staff)
    snapshot = PolicySnapshot.objects.get()
    response = person_client.post(reverse("attestation:attest", args=[row.requirement_id]), {"snapshot": snapshot.pk})
    html = response.content.decode()
    assert "There is a problem" in html and "Confirm that you have read and understood the policy" in html
    assert not EvidenceEntry.objects.exists()


def test_an_attestation_always_records_for_the_person_signed_in(client, staff, someone_else, attestation):
    other = factories.make_staff(user=someone_else)
    refresh(staff_ids=[other.pk])
    factories.sign_in(client, someone_else)
    attest(client, attestation.pk, staff=staff.pk)
    assert list(EvidenceEntry.objects.values_list("staff_id", flat=True)) == [other.pk]


def test_someone_else_cannot_see_the_persons_confirmation(client, person_client, staff, someone_else, attestation):
    response = attest(person_client, attestation.pk)
    assert response.status_code == 302
    factories.sign_in(client, someone_else)
    assert client.get(response["Location"]).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, attestation):
    for url in [reverse("attestation:list"), reverse("attestation:attest", args=[attestation.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_person_without_a_staff_record_is_told_to_contact_hr(client, someone_else, attestation):
    factories.sign_in(client, someone_else)
    html = client.get(reverse("attestation:list")).content.decode()
    assert "We cannot find your staff record" in html


def test_a_changed_text_asks_whether_the_change_is_material(policy):
    page = PolicyPage.objects.get(pk=policy.pk)
    page.version_label = "2.0"
    page.sections = [("section", {**dict(b.value), "body": "<p>New.</p>"}) for b in page.sections]
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "Say whether the change to section 6, 6.2, 9 is material or minor" in str(error.value)
    page.change_base = page.latest_snapshot().content_hash
    page.section_changes = [
        ("change", {"section": n, "change": PolicyPage.MATERIAL, "reason": "New rules"}) for n in ("6", "6.2", "9")
    ]
    page.reattest_deadline = timezone.localdate()
    with pytest.raises(ValidationError, match="future date"):
        page.full_clean()


def test_a_minor_change_keeps_attestations_counting(person_client, staff, policy, attestation):
    attest(person_client, attestation.pk)
    publish_new_version(policy, "1.1", PolicyPage.MINOR, reason="Typo fixed", section_text="Speak for yourself!")
    assert not ReattestationRound.objects.exists()
    row = RequirementStatus.objects.get(staff=staff)
    assert row.state(timezone.localdate()) == status.COMPLIANT


def test_a_material_change_opens_a_round_shows_what_changed_and_flags_tagged_content(
    person_client, staff, policy, attestation, module_page
):
    attest(person_client, attestation.pk)
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    snapshot = publish_new_version(
        policy,
        "2.0",
        PolicyPage.MATERIAL,
        reason="New rule on disclaimers",
        deadline=deadline,
        section_text="Always use the disclaimer.",
    )
    assert ReattestationRound.objects.get().snapshot == snapshot
    row = RequirementStatus.objects.get(staff=staff)
    assert row.due_on == deadline
    assert row.state(timezone.localdate()) == status.DUE_SOON
    assert row.state(deadline + datetime.timedelta(days=1)) == status.OVERDUE

    html = person_client.get(reverse("attestation:attest", args=[attestation.pk])).content.decode()
    assert "What has changed since version 1.0" in html
    assert "Always use the disclaimer." in html and "Speak for yourself." in html
    assert "I have read and understood version 2.0" in html

    # Scenarios tagged "6.2, 9" and the factory questions tagged 6.2 are flagged; nothing else.
    flags = ReviewFlag.objects.filter(resolved_at__isnull=True)
    assert {f.clause for f in flags} == {"6.2"}
    assert flags.filter(page__isnull=False).count() == len(module_page.scenario_blocks())
    assert flags.filter(question__isnull=False).count() == 6

    attest(person_client, attestation.pk)
    row.refresh_from_db()
    assert row.evidence.snapshot == snapshot and row.state(timezone.localdate()) == status.COMPLIANT


def test_confirming_a_flag_in_the_cms_resolves_it(client, person, policy, module_page):
    from django.contrib.auth.models import Group

    publish_new_version(
        policy,
        "2.0",
        PolicyPage.MATERIAL,
        reason="r",
        deadline=timezone.localdate() + datetime.timedelta(days=9),
        section_text="Changed.",
    )
    person.groups.add(Group.objects.get(name="Moderators"))
    factories.with_mfa(person)
    factories.sign_in(client, person)
    listing = client.get(reverse("modules_review_list"))
    assert listing.status_code == 200 and "Content to review" in listing.content.decode()
    flag = ReviewFlag.objects.filter(page__isnull=False).first()
    client.post(reverse("modules_review_confirm", args=[flag.pk]))
    flag.refresh_from_db()
    assert flag.resolved_at is not None and flag.resolution == "confirmed" and flag.resolved_by == person
