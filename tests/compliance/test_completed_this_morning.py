"""A completion known only by its day (an imported e-learning record, a certificate HR verifies) is recorded at noon
that day, so its day is the same whatever the clock change. On the day itself, before noon, that moment is still to
come, and the ledger refuses a completion in the future: HR verifying a certificate for a course done this morning got
a server error, and a completions file (or the API) with today's date failed to apply, every morning until noon. Such
a completion is now recorded at the moment it is recorded."""

import datetime

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance.dates import moment_on
from portal.compliance.imports.services import import_batch_create, import_batch_run
from portal.compliance.models import Certificate, EvidenceEntry, ImportBatch
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload
from tests.compliance.test_completions import esr
from tests.compliance.test_imports import ADULTS, _trust

hr, other_client = test_certificates.hr, test_certificates.other_client

MORNING = "2026-12-07 09:15:00"  # London is on GMT in December: 09:15 there too
DAY = datetime.date(2026, 12, 7)


pytestmark = pytest.mark.django_db


@pytest.fixture
def morning():
    assert get_resolver().url_patterns  # the URLconf (and the API's schemas) built first, not under a frozen clock
    with freeze_time(MORNING, tz_offset=0):
        yield


def test_noon_on_a_past_day_and_now_on_the_day_itself_before_noon(morning):
    assert timezone.localtime(moment_on(DAY - datetime.timedelta(days=1))).time() == datetime.time(12)
    assert moment_on(DAY) == timezone.now()
    with freeze_time("2026-12-07 15:00:00", tz_offset=0):
        assert timezone.localtime(moment_on(DAY)).time() == datetime.time(12)


def test_hr_verifies_a_certificate_for_a_course_done_this_morning(morning, person, person_client, other_client, hr):
    factories.make_staff(user=person)
    course = factories.make_requirement(name="Safeguarding Children Level 3", renewal_months=36)
    refresh()
    assert upload(person_client, course, PDF + b"morning", completed=str(DAY)).status_code == 302
    certificate = Certificate.objects.get()
    factories.sign_in(other_client, hr)
    response = other_client.post(reverse("certificates:decide", args=[certificate.pk]), {"decision": "approve"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.APPROVED
    assert timezone.localdate(certificate.evidence.completed_at) == DAY


def test_a_completions_file_with_todays_date_applies_in_the_morning(morning):
    people, adults = _trust()
    staff = people[0]
    data = esr(f'"{staff.employee_number}|{staff.last_name}, {staff.first_name}","{ADULTS}",{DAY:%d/%m/%Y},')
    batch, _ = import_batch_create(kind="completions", data=data, filename="today.csv", user=None)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.QUEUED)
    assert import_batch_run(batch.pk) == ImportBatch.DONE
    (entry,) = EvidenceEntry.objects.filter(source=EvidenceEntry.IMPORT)
    assert timezone.localdate(entry.completed_at) == DAY and entry.completed_at <= timezone.now()
    assert entry.staff_id == staff.pk and entry.requirement_id == adults.pk
