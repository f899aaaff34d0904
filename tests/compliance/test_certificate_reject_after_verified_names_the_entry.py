"""The officer who rejects a certificate verified meanwhile is sent to void its entry from the person's page
(b268a33), which lists entries by course and day recorded, with a Void button named so ('Void the entry for Fire
Safety recorded 6 Dec 2026'), and shows no ledger numbers. The refusal named the entry only as 'ledger entry #N', a
number the officer could not find there; it now names it as the page does, the number kept beside it."""

from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from portal.compliance.models import EvidenceEntry
from tests import factories
from tests.compliance import test_certificate_decided_once, test_certificates
from tests.compliance.test_certificate_decided_once import decide

staff, course, hr = test_certificates.staff, test_certificates.course, test_certificates.hr
uploaded, dev, ann = (
    test_certificate_decided_once.uploaded,
    test_certificate_decided_once.dev,
    test_certificate_decided_once.ann,
)


def test_the_refusal_names_the_entry_as_the_persons_page_lists_it(dev, ann, hr, staff, uploaded):
    decide(dev, uploaded, decision="approve")
    entry = EvidenceEntry.objects.get()
    recorded = dateformat.format(timezone.localtime(entry.recorded_at), "j M Y")
    named = f"the entry for Safeguarding Children Level 1 recorded {recorded}"

    refusal = decide(ann, uploaded, decision="reject", reason="The name on it is not theirs")

    assert f"If it should not count, void {named} (ledger entry #{entry.seq}) from " in refusal
    person_page = factories.sign_in(Client(), hr).get(reverse("reports:team_person", args=[staff.pk]))
    assert f'Void<span class="nhsuk-u-visually-hidden"> {named}</span>' in person_page.content.decode()
