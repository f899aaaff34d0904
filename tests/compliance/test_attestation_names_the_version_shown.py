"""An attestation names the version the person was shown (invariant 2): the form carries it, and a tick sent after a
newer version was published (while they read, or from a tab opened before it) records nothing and shows the newer
version, with what changed since the one they were reading."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from modules.models import PolicyPage
from portal.compliance.models import EvidenceEntry, PolicySnapshot
from tests import factories
from tests.compliance.test_attestation import attest, attestation, publish_new_version, staff  # noqa: F401 - fixtures

REFUSED = (
    "Version 2.0 of this policy was published while you were reading version 1.0. "
    "Read what has changed, then attest again."
)
UNKNOWN = "We could not tell which version of this policy you read. Read version 1.0, then attest."


def shown(response) -> str:
    """The version the page's form names, as the browser sends it back."""
    assert response.status_code == 200
    return re.search(r'name="snapshot" value="(\d+)"', response.content.decode())[1]


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def publish_material_change(policy, label="2.0", reason="Disclaimer now required", text="Always."):
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    return publish_new_version(policy, label, PolicyPage.MATERIAL, reason=reason, deadline=deadline, section_text=text)


def test_the_form_names_the_version_on_the_page(person_client, staff, attestation, policy):  # noqa: F811
    response = person_client.get(reverse("attestation:attest", args=[attestation.pk]))
    assert shown(response) == str(PolicySnapshot.objects.get(page_id=policy.pk).pk)


def test_a_version_published_while_reading_is_shown_and_nothing_is_recorded(
    person_client,
    staff,  # noqa: F811
    attestation,  # noqa: F811
    policy,
):
    url = reverse("attestation:attest", args=[attestation.pk])
    read = shown(person_client.get(url))  # version 1.0 on the screen
    latest = publish_material_change(policy)  # an editor publishes 2.0 meanwhile

    response = person_client.post(url, {"confirm": "on", "snapshot": read})
    assert not EvidenceEntry.objects.exists()
    html = text_of(response)
    assert "<title>Error: " in html and "There is a problem" in html and REFUSED in html
    assert '<a href="#policy-text">' in html
    assert "What has changed since version 1.0" in html and "You were reading version 1.0" in html
    assert "Always." in html and "Disclaimer now required" in html
    assert "I have read and understood version 2.0" in html and shown(response) == str(latest.pk)

    assert person_client.post(url, {"confirm": "on", "snapshot": shown(response)}).status_code == 302
    assert EvidenceEntry.objects.get(staff=staff).snapshot == latest


def test_a_tab_opened_before_a_new_version_cannot_attest_the_old_one(
    client,
    person,
    staff,  # noqa: F811
    attestation,  # noqa: F811
    policy,
):
    url = reverse("attestation:attest", args=[attestation.pk])
    factories.sign_in(client, person)
    first_tab = shown(client.get(url))  # left open on version 1.0
    latest = publish_new_version(policy, "1.1", PolicyPage.MINOR, reason="Typo", section_text="Speak for yourself!")
    assert attest(client, attestation.pk).status_code == 302  # a second tab, opened after: version 1.1

    response = client.post(url, {"confirm": "on", "snapshot": first_tab})
    assert response.status_code == 200
    assert "Version 1.1 of this policy was published while you were reading version 1.0" in text_of(response)
    assert list(EvidenceEntry.objects.values_list("snapshot_id", flat=True)) == [latest.pk]


def test_a_version_read_after_attesting_an_earlier_one_shows_what_changed_since_the_one_read(
    person_client,
    staff,  # noqa: F811
    attestation,  # noqa: F811
    policy,
):
    attest(person_client, attestation.pk)  # 1.0
    publish_material_change(policy)
    url = reverse("attestation:attest", args=[attestation.pk])
    read = shown(person_client.get(url))  # 2.0, with what changed since 1.0
    publish_material_change(policy, "3.0", reason="Shorter", text="Never.")

    html = text_of(person_client.post(url, {"confirm": "on", "snapshot": read}))
    assert "Version 3.0 of this policy was published while you were reading version 2.0" in html
    assert "What has changed since version 2.0" in html and "You attested" not in html
    assert EvidenceEntry.objects.get(staff=staff).snapshot.version_label == "1.0"


@pytest.mark.parametrize(
    "sent",
    [None, "", "abc", "-1", "1.0", "9" * 30, "\x00", "١"],  # the last: an Arabic-Indic one, a digit to str.isdigit
    ids=["missing", "empty", "not a number", "negative", "a version label", "too big", "NUL", "non-ASCII digit"],
)
def test_a_missing_or_unreadable_version_records_nothing(person_client, staff, attestation, sent):  # noqa: F811
    data = {"confirm": "on"} if sent is None else {"confirm": "on", "snapshot": sent}
    response = person_client.post(reverse("attestation:attest", args=[attestation.pk]), data)
    assert response.status_code == 200 and UNKNOWN in text_of(response)
    assert not EvidenceEntry.objects.exists()


def test_another_policys_version_records_nothing(person_client, staff, attestation, home_page):  # noqa: F811
    other = factories.make_policy(parent=home_page, title="Information Governance Policy", slug="ig")
    elsewhere = PolicySnapshot.objects.get(page_id=other.pk)
    response = person_client.post(
        reverse("attestation:attest", args=[attestation.pk]), {"confirm": "on", "snapshot": elsewhere.pk}
    )
    assert response.status_code == 200 and UNKNOWN in text_of(response)
    assert not EvidenceEntry.objects.exists()
