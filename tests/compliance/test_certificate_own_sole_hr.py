"""Nobody verifies their own certificate. An HR officer who is the only one in HR who can still sign in is told what
happens (it waits) and the way out (give a colleague the role), not to "ask another member of HR" who does not exist.
A colleague whose account is closed, or who has left, does not count."""

import datetime

import pytest
from django.urls import reverse

from portal.compliance.models import Certificate, EvidenceEntry
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

staff, course = test_certificates.staff, test_certificates.course
ASK = "You cannot verify your own certificate. Ask another member of HR."
ONLY = (
    "you are the only member of HR who can sign in, so it waits here until someone else can: give a colleague the HR "
    "role on the HR roles page"
)


@pytest.fixture
def own(client, person, course):
    person.groups.add(hr_group())
    factories.with_mfa(person)
    factories.sign_in(client, person)
    assert upload(client, course, PDF).status_code == 302
    return Certificate.objects.get()


def verify(client, certificate) -> str:
    url = reverse("certificates:decide", args=[certificate.pk])
    return client.post(url, {"decision": "approve"}, follow=True).content.decode()


def colleague_in_hr():
    user = factories.make_user(first_name="Ann", last_name="Other")
    user.groups.add(hr_group())
    return user


def test_the_only_hr_officer_is_told_it_waits_and_the_way_out(client, own):
    assert ONLY in verify(client, own)
    own.refresh_from_db()
    assert own.status == Certificate.PENDING and not EvidenceEntry.objects.exists()


def test_with_a_colleague_in_hr_they_are_told_to_ask_them(client, own):
    colleague_in_hr()
    assert ASK in verify(client, own)


@pytest.mark.parametrize("gone", ["closed", "left"])
def test_a_colleague_who_cannot_sign_in_does_not_count(client, own, gone):
    colleague = colleague_in_hr()
    if gone == "closed":
        colleague.is_active = False
        colleague.save(update_fields=["is_active"])
    else:
        left = factories.make_staff(user=colleague)
        StaffMember.objects.filter(pk=left.pk).update(leave_date=datetime.date(2026, 1, 31))
    assert ONLY in verify(client, own)
