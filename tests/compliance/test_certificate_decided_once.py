"""Two HR officers with the queue open decide the same certificate: the first decision stands, and the second
officer is told who decided what, and when, and that their click changed nothing (before: "This certificate was
already verified.", with no name, and "withdrawn by hr" in lower case). A decision that is neither Verify nor Reject
changes nothing (before, anything but "approve" was taken as a rejection)."""

import datetime
import itertools
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.compliance.certificates import CertificateError, certificate_decide, certificate_upload
from portal.compliance.models import Certificate, EvidenceEntry
from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload
from tests.compliance.test_concurrency import _all_at_once

staff, course, hr = test_certificates.staff, test_certificates.course, test_certificates.hr


def hr_officer(first_name: str, last_name: str):
    user = factories.with_mfa(factories.make_user(first_name=first_name, last_name=last_name))
    user.groups.add(hr_group())
    return user


@pytest.fixture
def uploaded(person_client, course):
    assert upload(person_client, course, PDF).status_code == 302
    return Certificate.objects.get()


@pytest.fixture
def dev(hr):
    return factories.sign_in(Client(), hr)


@pytest.fixture
def ann():
    return factories.sign_in(Client(), hr_officer("Ann", "Other"))


def decide(browser, certificate, **data):
    return browser.post(reverse("certificates:decide", args=[certificate.pk]), data, follow=True).content.decode()


def at(moment: datetime.datetime) -> str:
    moment = timezone.localtime(moment)
    return f"at {moment:%H:%M} on {moment:%-d %B %Y}"


def test_the_second_officer_is_told_who_verified_it_and_nothing_changes(dev, ann, uploaded):
    decide(dev, uploaded, decision="approve")
    uploaded.refresh_from_db()
    page = decide(ann, uploaded, decision="reject", reason="Blurred")
    assert f"Dev Patel already verified this certificate {at(uploaded.reviewed_at)}. Nothing was changed." in page
    uploaded.refresh_from_db()
    assert (uploaded.status, uploaded.reviewed_by.first_name, uploaded.rejection_reason) == ("approved", "Dev", "")
    assert EvidenceEntry.objects.count() == 1 and mail.outbox == []


def test_the_second_officer_is_told_who_rejected_it(dev, ann, uploaded):
    decide(dev, uploaded, decision="reject", reason="Blurred")
    uploaded.refresh_from_db()
    page = decide(ann, uploaded, decision="approve")
    assert f"Dev Patel already rejected this certificate {at(uploaded.reviewed_at)}." in page
    assert not EvidenceEntry.objects.exists()


def test_a_second_click_by_the_same_officer_says_they_did_it(dev, uploaded):
    decide(dev, uploaded, decision="approve")
    assert "You already verified this certificate at " in decide(dev, uploaded, decision="approve")
    assert EvidenceEntry.objects.count() == 1


def test_a_withdrawn_certificate_says_so_in_words(hr, uploaded):
    certificate_decide(certificate=uploaded, reviewer=hr, approve=True)
    Certificate.objects.filter(pk=uploaded.pk).update(status=Certificate.WITHDRAWN, withdrawn_at=timezone.now())
    with pytest.raises(CertificateError) as refused:
        certificate_decide(certificate=uploaded, reviewer=hr_officer("Ann", "Other"), approve=True)
    assert "Dev Patel already verified this certificate" in str(refused.value)
    assert f"HR withdrew the verification on {timezone.localdate():%-d %B %Y}" in str(refused.value)


@pytest.mark.parametrize("data", [{"reason": "Blurred"}, {"decision": "aprove"}, {"decision": ""}])
def test_a_decision_that_is_neither_verify_nor_reject_changes_nothing(dev, uploaded, data):
    page = decide(dev, uploaded, **data)
    assert "choose Verify or Reject. Nothing was changed." in page
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.PENDING and mail.outbox == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
@pytest.mark.django_db(transaction=True)
def test_officers_verifying_and_rejecting_at_once_make_one_decision():
    person = factories.make_staff()
    requirement = factories.make_requirement()
    refresh(staff_ids=[person.pk])
    certificate = certificate_upload(
        staff=person,
        requirement=requirement,
        data=PDF,
        filename="c.pdf",
        completed_on=datetime.date(2026, 1, 15),
        user=person.user,
    )
    officers = itertools.cycle([(hr_officer("Dev", "Patel"), True), (hr_officer("Ann", "Other"), False)])
    lock = threading.Lock()

    def click():
        with lock:
            reviewer, approve = next(officers)
        return certificate_decide(certificate=certificate, reviewer=reviewer, approve=approve, reason="Blurred")

    results = _all_at_once(click, count=6)
    decided = [result for result in results if isinstance(result, Certificate)]
    refused = [result for result in results if isinstance(result, CertificateError)]
    assert len(decided) == 1 and len(refused) == 5, results
    assert all("already" in str(error) and "Nothing was changed" in str(error) for error in refused)
    certificate.refresh_from_db()
    assert certificate.status == decided[0].status
    assert EvidenceEntry.objects.count() == (1 if certificate.status == Certificate.APPROVED else 0)
