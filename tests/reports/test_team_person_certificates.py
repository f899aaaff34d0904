"""A certificate HR verified and then withdrew (by voiding the entry the verification made) is listed on the person's
page with HR's reason and the day it was withdrawn, to their manager and HR; the person reads the same on their own
certificates page; anyone else is refused. As recorded then, before the withdrawal, it was still verified, and the
page says nothing of a reason given later. However many certificates, the page runs the same queries."""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.compliance.certificates import certificate_decide, certificate_upload
from portal.compliance.models import Certificate
from portal.compliance.services import evidence_void
from portal.people.models import StaffChange
from tests.compliance.test_certificates import PDF
from tests.dbrole import as_owner
from tests.reports.conftest import client_for

REASON = "The certificate names another person"
# The person's page on each clock: session, user, the teams the manager may see, the person, the audit row; then
# live: the certificates' states (for the lines' next steps), the status rows, the certificates, the history;
# as recorded then: the five reads of their standing as recorded by then (`statuses_as_at`: the requirements in force
# then, with their terms from their history, and their teams, the completions, the pauses, the roster; the
# requirements were read twice before 7bba701), the certificates, the history; as it was: the whole history, the
# status runs holding that day, the certificates. The withdrawal's reason and day are on each certificate's row: no
# query more for them.
# As it was, one of them is the team tree as it stood that day (the team the person was in then, by its name then).
# About a day, whether the manager may open the page is read from the tree and the roster of that day
# (`reports.scope.person_for_request`): the person's roster rows, one query more on both clocks, and as recorded then
# the tree as recorded by the end of the day, one more (as it was, the tree is the one the lines read). As recorded
# then, who the person was then (their name rows, `people.history.identity_before`), one more.
QUERIES = {"live": 9, "as_recorded": 15, "as_it_was": 10}
# Each certificate's status is an NHS.UK tag.
WITHDRAWN = '<strong class="nhsuk-tag nhsuk-tag--orange">Withdrawn by HR</strong>'
VERIFIED = '<strong class="nhsuk-tag nhsuk-tag--green">Verified</strong>'


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def _verified(staff, hr, completed_on, data=PDF) -> Certificate:
    """Sam's certificate for the fixture's course, uploaded by Sam and verified by HR through the services."""
    requirement = staff.statuses.get().requirement
    certificate = certificate_upload(
        staff=staff,
        requirement=requirement,
        data=data,
        filename="course.pdf",
        completed_on=completed_on,
        user=staff.user,
    )
    return certificate_decide(certificate=certificate, reviewer=hr.user, approve=True)


def _withdrawn(staff, hr, completed_on, data=PDF, reason=REASON) -> Certificate:
    certificate = _verified(staff, hr, completed_on, data)
    evidence_void(entry=certificate.evidence, reason=reason, voided_by=hr.user)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.WITHDRAWN
    return certificate


def _certificates(html: str) -> str:
    return html.split("<h2>Certificates</h2>")[1]


def _short(day: datetime.date) -> str:
    """As the page prints a date with "j M Y"."""
    return f"{day.day} {day:%b %Y}"


@pytest.mark.parametrize("who", ["manager", "hr"])
def test_the_manager_and_hr_see_why_and_when_hr_withdrew_a_certificate(org, hr, who):
    today = timezone.localdate()
    _withdrawn(org["sam"], hr, today - datetime.timedelta(days=3))
    client = client_for(hr if who == "hr" else org["manager"])
    html = client.get(reverse("reports:team_person", args=[org["sam"].pk])).content.decode()
    done = _short(today - datetime.timedelta(days=3))
    assert (
        f"Safeguarding Adults Level 1, completed {done}: {WITHDRAWN} on {_short(today)}. Reason: {REASON}"
        in _certificates(html)
    )


def test_the_person_reads_the_reason_on_their_own_pages_and_an_outsider_is_refused(org, hr):
    _withdrawn(org["sam"], hr, timezone.localdate())
    url = reverse("reports:team_person", args=[org["sam"].pk])
    sam = client_for(org["sam"])
    assert sam.get(url)["Location"] == reverse("reports:my_training")  # their own records, as ever
    assert f"Reason: {REASON}" in sam.get(reverse("certificates:mine")).content.decode()
    for outsider in (org["other"], org["fin"]):  # another team's manager; a colleague who manages nobody
        response = client_for(outsider).get(url)
        assert response.status_code == 404 and REASON not in response.content.decode()


def test_a_verified_certificate_shows_no_withdrawal(org, hr):
    _verified(org["sam"], hr, timezone.localdate())
    html = client_for(org["manager"]).get(reverse("reports:team_person", args=[org["sam"].pk])).content.decode()
    certificates = _certificates(html)
    assert "Verified" in certificates and "Reason:" not in certificates and "Withdrawn" not in certificates


def test_as_recorded_before_the_withdrawal_it_was_verified_and_as_it_was_it_is_withdrawn(org, hr, monkeypatch):
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    real_now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real_now - datetime.timedelta(days=5))
    certificate = _verified(org["sam"], hr, timezone.localdate() - datetime.timedelta(days=6))
    monkeypatch.setattr(timezone, "now", lambda: real_now)
    evidence_void(entry=certificate.evidence, reason=REASON, voided_by=hr.user)
    client = client_for(org["manager"])
    url = reverse("reports:team_person", args=[org["sam"].pk])
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()

    then = _certificates(client.get(url, {"as_at": day, "basis": "as_recorded"}).content.decode())
    assert f": {VERIFIED}</li>" in then and "Withdrawn" not in then and REASON not in then
    as_it_was = _certificates(client.get(url, {"as_at": day, "basis": "as_it_was"}).content.decode())
    assert f"{WITHDRAWN} on {_short(timezone.localdate())}. Reason: {REASON}" in as_it_was
    assert Certificate.objects.get().status == Certificate.WITHDRAWN  # the page changed nothing


@pytest.mark.parametrize(
    "query", [{}, {"basis": "as_recorded"}, {"basis": "as_it_was"}], ids=["live", "as recorded then", "as it was"]
)
def test_the_page_runs_the_same_queries_for_one_withdrawn_certificate_as_for_four(
    org, hr, query, django_assert_num_queries
):
    today = timezone.localdate()
    query = {**query, "as_at": today.isoformat()} if query else query
    _withdrawn(org["sam"], hr, today - datetime.timedelta(days=1))
    client = client_for(org["manager"])
    url = reverse("reports:team_person", args=[org["sam"].pk])
    client.get(url, query)
    with django_assert_num_queries(QUERIES[query.get("basis", "live")]) as one:
        assert client.get(url, query).status_code == 200
    for n in range(2, 5):
        _withdrawn(org["sam"], hr, today - datetime.timedelta(days=n), data=PDF + bytes([n]), reason=f"{REASON} {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(url, query).content.decode()
    assert _certificates(html).count(f"{WITHDRAWN} on") == 4 and f"{REASON} 4" in html
