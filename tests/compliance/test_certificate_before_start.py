"""A new starter who brings a certificate from a previous employer that had already run out before they started is
due at the end of their new-starter window, as one who brought nothing is: the old completion is a true fact, but it
must not make them overdue on their first days (with reminders after the due date, and escalation to their manager).
The same holds for a completion imported from the national record, and the email saying HR verified the certificate
names that day, not "now". Before, the due date became the old expiry, a year before they started. Someone long in
post whose completion has run out is still overdue."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance import asat, status
from portal.compliance.certificate_emails import VERIFIED, certificate_decision_send
from portal.compliance.certificates import certificate_decide, certificate_upload
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import Certificate, CompetenceMapping, RequirementStatus, StatusInterval
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF

hr = test_certificates.hr

# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
TODAY = FOUR_YEARS_AGO = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global TODAY, FOUR_YEARS_AGO
    TODAY = timezone.localdate()
    FOUR_YEARS_AGO = TODAY - datetime.timedelta(days=4 * 366)


ADULTS = "NHS|CSTF|Safeguarding Adults - Level 2 - 3 Years|"


@pytest.fixture
def course(db):
    return factories.make_requirement(name="Safeguarding Adults Level 2", renewal_months=36)


def _due_on_every_clock(staff, requirement) -> list:
    """The due date of the live row, of today's run ("as it was") and as recorded now."""
    row = RequirementStatus.objects.get(staff=staff, requirement=requirement)
    run = StatusInterval.objects.get(staff=staff, requirement=requirement, valid_from__lte=TODAY, valid_to__gt=TODAY)
    recorded = [
        found.due_on
        for _, rows in asat.statuses_as_at(asat.Moment.now(), staff_ids=[staff.pk])
        for found in rows
        if found.requirement_id == requirement.pk
    ]
    return [row.due_on, run.due_on, *recorded]


def _verified(staff, course, hr) -> RequirementStatus:
    certificate = certificate_upload(
        staff=staff, requirement=course, data=PDF, filename="c.pdf", completed_on=FOUR_YEARS_AGO, user=staff.user
    )
    certificate_decide(certificate=certificate, reviewer=hr, approve=True)
    return RequirementStatus.objects.get(staff=staff, requirement=course)


def test_an_old_certificate_does_not_make_a_new_starter_overdue(hr, course):
    staff = factories.make_staff(start_date=TODAY - datetime.timedelta(days=5))
    refresh(staff_ids=[staff.pk])
    due_without = RequirementStatus.objects.get(staff=staff).due_on
    assert due_without == staff.start_date + datetime.timedelta(days=28)

    row = _verified(staff, course, hr)

    assert row.expires_on < staff.start_date  # it had run out before they started
    assert _due_on_every_clock(staff, course) == [due_without] * 3
    assert row.state(TODAY) == status.DUE_SOON  # 23 days left, not overdue


def test_the_verified_email_says_when_it_is_due_again(hr, course, mailoutbox):
    staff = factories.make_staff(start_date=TODAY - datetime.timedelta(days=5))

    row = _verified(staff, course, hr)
    certificate_decision_send(Certificate.objects.select_related("staff__user", "requirement").get(), VERIFIED)

    (message,) = mailoutbox
    assert (
        f"That completion ran out on {row.expires_on:%-d %B %Y}, so Safeguarding Adults Level 2 is due again by "
        f"{staff.start_date + datetime.timedelta(days=28):%-d %B %Y}: complete the course again" in message.body
    )


def test_an_old_imported_completion_does_not_make_a_new_starter_overdue(course):
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=course)
    staff = factories.make_staff(employee_number="20001", start_date=TODAY - datetime.timedelta(days=5))
    done = FOUR_YEARS_AGO.strftime("%d/%m/%Y")
    data = f"Employee Number,Competence Name,Achievement Date\r\n20001,{ADULTS},{done}\r\n".encode()
    batch, plan = import_batch_create(kind="completions", data=data, filename="olm.csv", user=None)
    assert plan.can_apply
    import_batch_apply(batch=batch, user=None, background=False)

    row = RequirementStatus.objects.get(staff=staff, requirement=course)
    assert (row.completed_on, row.expires_on < staff.start_date) == (FOUR_YEARS_AGO, True)
    assert _due_on_every_clock(staff, course) == [staff.start_date + datetime.timedelta(days=28)] * 3
    assert row.state(TODAY) == status.DUE_SOON


def test_someone_long_in_post_with_a_completion_run_out_is_overdue(hr, course):
    staff = factories.make_staff(start_date=datetime.date(2015, 4, 1))

    row = _verified(staff, course, hr)

    assert _due_on_every_clock(staff, course) == [row.expires_on] * 3
    assert row.expires_on < TODAY
    assert row.state(TODAY) == status.OVERDUE
