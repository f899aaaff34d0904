"""A certificate HR rejected shows HR's reason, escaped, beside a red "Rejected" tag: to the person on their own
certificates page and on My training (where the course asks for a certificate again), and to their manager and HR on
the person's page. Anyone else is refused. As recorded before the rejection the certificate was still waiting, with no
reason. The reason is on the certificate's own row: no page runs a query more for it."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.compliance.certificates import certificate_decide, certificate_upload
from portal.compliance.models import Certificate
from portal.people.models import StaffChange
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.test_team_person_certificates import PDF, QUERIES, _certificates
from tests.reports.test_team_person_certificates import _private_media as _private_media

REASON = "The name is <b>not</b> Sam's & the date is wrong"
SHOWN = "The name is &lt;b&gt;not&lt;/b&gt; Sam&#x27;s &amp; the date is wrong"
TAG = '<strong class="nhsuk-tag nhsuk-tag--red">Rejected</strong>'


def _rejected(staff, hr, *, data=PDF, reason=REASON) -> Certificate:
    """Sam's certificate for the fixture's course, uploaded by Sam and rejected by HR through the services."""
    certificate = certificate_upload(
        staff=staff,
        requirement=staff.statuses.get().requirement,
        data=data,
        filename="course.pdf",
        completed_on=timezone.localdate() - datetime.timedelta(days=2),
        user=staff.user,
    )
    return certificate_decide(certificate=certificate, reviewer=hr.user, approve=False, reason=reason)


def _person_page(staff, viewer, **query):
    return client_for(viewer).get(reverse("reports:team_person", args=[staff.pk]), query)


@pytest.mark.parametrize("who", ["manager", "hr"])
def test_the_manager_and_hr_see_the_rejection_and_hrs_reason(org, hr, who):
    _rejected(org["sam"], hr)
    certificates = _certificates(_person_page(org["sam"], hr if who == "hr" else org["manager"]).content.decode())
    assert f"{TAG} Reason: {SHOWN}" in certificates
    assert REASON not in certificates  # escaped, never markup


@pytest.mark.parametrize("page", ["certificates:mine", "reports:my_training"])
def test_the_person_sees_the_rejection_and_hrs_reason_on_their_own_pages(org, hr, page):
    _rejected(org["sam"], hr)
    html = client_for(org["sam"]).get(reverse(page)).content.decode()
    assert TAG in html and SHOWN in html and REASON not in html


def test_my_training_says_why_beside_the_upload_it_asks_for_again(org, hr):
    _rejected(org["sam"], hr)
    html = client_for(org["sam"]).get(reverse("reports:my_training")).content.decode()
    asks = html.split("Upload your certificate")[1].split("</td>")[0]
    assert f"{TAG} HR's reason for your last certificate: {SHOWN}" in asks


def test_a_certificate_sent_again_since_shows_no_old_reason_on_my_training(org, hr):
    _rejected(org["sam"], hr)
    certificate_upload(
        staff=org["sam"],
        requirement=org["sam"].statuses.get().requirement,
        data=PDF + b"again",
        filename="course.pdf",
        completed_on=timezone.localdate(),
        user=org["sam"].user,
    )
    html = client_for(org["sam"]).get(reverse("reports:my_training")).content.decode()
    assert "HR is checking the certificate you uploaded" in html and SHOWN not in html


def test_an_outsider_is_refused_and_never_sees_the_reason(org, hr):
    _rejected(org["sam"], hr)
    for outsider in (org["other"], org["fin"]):  # another team's manager; a colleague who manages nobody
        response = _person_page(org["sam"], outsider)
        assert response.status_code == 404 and SHOWN not in response.content.decode()


def test_as_recorded_before_the_rejection_it_was_waiting_with_no_reason(org, hr, monkeypatch):
    with as_owner():  # on the roster as recorded then, so on Grace's team page for the day
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    real_now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real_now - datetime.timedelta(days=5))
    certificate = certificate_upload(
        staff=org["sam"],
        requirement=org["sam"].statuses.get().requirement,
        data=PDF,
        filename="course.pdf",
        completed_on=timezone.localdate() - datetime.timedelta(days=6),
        user=org["sam"].user,
    )
    monkeypatch.setattr(timezone, "now", lambda: real_now)
    certificate_decide(certificate=certificate, reviewer=hr.user, approve=False, reason=REASON)
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()

    then = _certificates(_person_page(org["sam"], org["manager"], as_at=day, basis="as_recorded").content.decode())

    assert "Waiting for HR" in then
    assert "Rejected" not in then and SHOWN not in then


def test_the_person_page_runs_the_same_queries_with_rejected_certificates(org, hr, django_assert_num_queries):
    for n in range(3):
        _rejected(org["sam"], hr, data=PDF + bytes([n]), reason=f"{REASON} {n}")
    client = client_for(org["manager"])
    url = reverse("reports:team_person", args=[org["sam"].pk])
    client.get(url)
    with django_assert_num_queries(QUERIES["live"]):
        html = client.get(url).content.decode()
    assert _certificates(html).count(TAG) == 3


def test_my_training_runs_the_same_queries_with_a_rejected_certificate(org, hr, django_assert_num_queries):
    """The reason comes with the read of the person's certificates that finds the one waiting for HR."""
    client = client_for(org["sam"])
    url = reverse("reports:my_training")
    client.get(url)
    with CaptureQueriesContext(connection) as with_none:
        client.get(url)
    _rejected(org["sam"], hr)
    with django_assert_num_queries(len(with_none.captured_queries)):
        html = client.get(url).content.decode()
    assert SHOWN in html
