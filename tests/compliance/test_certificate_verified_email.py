"""HR's verification of a certificate, and its withdrawal when it was made in error, are emailed to the person, as a
rejection is: what happened, the course, the completion date that counts now (or that it no longer does, and what to
do next) and their own pages. Before, they heard nothing, and a withdrawn verification left them believing the
course was done. None for a refused decision or correction, none to someone who has left or has no work email."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.compliance.certificate_emails import REJECTED, VERIFIED, WITHDRAWN, certificate_decision_send
from portal.compliance.certificates import certificate_decide
from portal.compliance.models import Certificate, RequirementStatus
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

staff, course, hr, other_client = (
    test_certificates.staff,
    test_certificates.course,
    test_certificates.hr,
    test_certificates.other_client,
)
REASON = "The certificate names another person"
BASE = settings.WAGTAILADMIN_BASE_URL.rstrip("/")


@pytest.fixture
def uploaded(person_client, course):
    assert upload(person_client, course, PDF, completed="2026-01-15").status_code == 302
    return Certificate.objects.get()


@pytest.fixture
def hr_browser(other_client, hr):
    return factories.sign_in(other_client, hr)


def _verify(hr_browser, certificate, capture):
    with capture(execute=True):
        return hr_browser.post(reverse("certificates:decide", args=[certificate.pk]), {"decision": "approve"})


def _void(hr_browser, certificate, capture, reason=REASON):
    certificate.refresh_from_db()
    with capture(execute=True):
        return hr_browser.post(reverse("corrections:void", args=[certificate.evidence_id]), {"reason": reason})


def test_the_person_is_emailed_that_hr_verified_it_and_the_date_that_counts(
    hr_browser, staff, uploaded, mailoutbox, django_capture_on_commit_callbacks
):
    assert _verify(hr_browser, uploaded, django_capture_on_commit_callbacks).status_code == 302
    (message,) = mailoutbox
    assert message.to == [staff.work_email]
    assert message.subject == "Your certificate for Safeguarding Children Level 1 was verified"
    uploaded_on = f"{timezone.localdate(uploaded.uploaded_at):%-d %B %Y}"
    assert (
        f"HR checked the certificate you uploaded on {uploaded_on} for Safeguarding Children Level 1 and verified it."
        in message.body
    )
    assert "Safeguarding Children Level 1 is now recorded as completed on 15 January 2026" in message.body
    assert f"{BASE}{reverse('reports:my_training')}" in message.body
    assert f"{BASE}{reverse('certificates:mine')}" in message.body
    assert "most recent completion" not in message.body  # this certificate's date is the one that counts


def test_a_later_completion_still_counting_is_named(
    hr_browser, staff, course, uploaded, record, mailoutbox, django_capture_on_commit_callbacks
):
    record("later", completed_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 12)), who=staff, req=course)
    _verify(hr_browser, uploaded, django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert "recorded as completed on 15 January 2026" in message.body
    assert "Your record counts your most recent completion, on 2 March 2026." in message.body


def test_a_second_click_of_verify_sends_no_second_email(
    hr_browser, uploaded, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(2):
        _verify(hr_browser, uploaded, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_a_refused_verification_sends_nothing(
    hr_browser, staff, uploaded, mailoutbox, django_capture_on_commit_callbacks
):
    staff.leave_date = datetime.date(2026, 1, 10)  # before the completion date: the verification is refused
    staff.save(update_fields=["leave_date"])
    _verify(hr_browser, uploaded, django_capture_on_commit_callbacks)
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.PENDING and mailoutbox == []


def test_the_person_is_emailed_that_hr_withdrew_the_verification_and_what_to_do(
    hr_browser, staff, course, uploaded, mailoutbox, django_capture_on_commit_callbacks
):
    _verify(hr_browser, uploaded, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    assert _void(hr_browser, uploaded, django_capture_on_commit_callbacks).status_code == 302
    (message,) = mailoutbox
    assert message.to == [staff.work_email]
    assert message.subject == "HR has withdrawn the verification of your certificate for Safeguarding Children Level 1"
    assert f"on {timezone.localdate():%-d %B %Y} withdrew that verification." in message.body
    assert f"The reason HR gave:\n{REASON}" in message.body
    assert "Your completion of Safeguarding Children Level 1 on 15 January 2026 no longer counts." in message.body
    assert "Safeguarding Children Level 1 is not recorded as done now." in message.body
    assert f"{BASE}/certificates/upload/?requirement={course.pk}" in message.body
    assert f"{BASE}{reverse('reports:my_training')}" in message.body


def test_a_withdrawal_names_another_completion_that_still_counts(
    hr_browser, staff, course, uploaded, record, mailoutbox, django_capture_on_commit_callbacks
):
    record("earlier", completed_at=timezone.make_aware(datetime.datetime(2025, 11, 3, 12)), who=staff, req=course)
    _verify(hr_browser, uploaded, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    _void(hr_browser, uploaded, django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert "Your record now counts your completion on 3 November 2025." in message.body
    assert "not recorded as done now" not in message.body


@pytest.mark.parametrize("reason", [" ", "Wrong\u200bperson"], ids=["no-reason", "hidden-character"])
def test_a_refused_or_repeated_withdrawal_sends_nothing_more(
    hr_browser, uploaded, mailoutbox, django_capture_on_commit_callbacks, reason
):
    _verify(hr_browser, uploaded, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    _void(hr_browser, uploaded, django_capture_on_commit_callbacks, reason=reason)
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.APPROVED and mailoutbox == []
    _void(hr_browser, uploaded, django_capture_on_commit_callbacks)
    _void(hr_browser, uploaded, django_capture_on_commit_callbacks)  # a double-submitted correction
    assert len(mailoutbox) == 1


def _left_yesterday(staff):
    staff.leave_date = timezone.localdate() - datetime.timedelta(days=1)
    staff.save(update_fields=["leave_date"])


def _no_work_email(staff):
    staff.work_email = ""
    staff.save(update_fields=["work_email"])


def _account_closed(staff):
    staff.user.is_active = False
    staff.user.save(update_fields=["is_active"])


@pytest.mark.parametrize("decision", [REJECTED, VERIFIED, WITHDRAWN])
@pytest.mark.parametrize("unreachable", [_left_yesterday, _no_work_email, _account_closed])
def test_nobody_is_emailed_who_has_left_or_has_no_work_email(hr, staff, uploaded, mailoutbox, decision, unreachable):
    """The decision stands (a leaver's certificate for training done while they worked here is still verified); only
    the email is not sent."""
    certificate_decide(certificate=uploaded, reviewer=hr, approve=decision != REJECTED, reason="Blurred")
    unreachable(staff)
    certificate = Certificate.objects.select_related("staff__user", "requirement").get()
    certificate_decision_send(certificate, decision)
    assert mailoutbox == []


def test_a_verified_completion_that_has_already_run_out_says_the_course_is_due_again(
    hr_browser, staff, course, person_client, mailoutbox, django_capture_on_commit_callbacks
):
    """An old certificate is a true fact, but it no longer makes the person compliant: an email saying only that the
    course "is now recorded as completed" would leave them thinking they are done while they are overdue."""
    completed = timezone.localdate() - datetime.timedelta(days=4 * 366)  # the course is renewed every 36 months
    assert upload(person_client, course, PDF, completed=completed.isoformat()).status_code == 302
    _verify(hr_browser, Certificate.objects.get(), django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    expired = RequirementStatus.objects.get(staff=staff, requirement=course).expires_on
    assert expired < timezone.localdate()
    assert f"is now recorded as completed on {completed:%-d %B %Y}" in message.body
    assert (
        f"That completion ran out on {expired:%-d %B %Y}, so Safeguarding Children Level 1 is due again now: "
        "complete the course again and upload its certificate." in message.body
    )


def test_a_completion_still_in_date_says_nothing_ran_out(
    hr_browser, uploaded, mailoutbox, django_capture_on_commit_callbacks
):
    _verify(hr_browser, uploaded, django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert "ran out" not in message.body and "due again" not in message.body


def test_a_withdrawal_leaving_a_completion_that_has_run_out_says_the_course_is_due_again(
    hr_browser, staff, course, uploaded, record, mailoutbox, django_capture_on_commit_callbacks
):
    earlier = timezone.localdate() - datetime.timedelta(days=4 * 366)  # renewed every 36 months: run out
    record(
        "earlier",
        completed_at=timezone.make_aware(datetime.datetime.combine(earlier, datetime.time(12))),
        who=staff,
        req=course,
    )
    _verify(hr_browser, uploaded, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    _void(hr_browser, uploaded, django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    expired = RequirementStatus.objects.get(staff=staff, requirement=course).expires_on
    assert expired < timezone.localdate()
    assert (
        f"Your record now counts your completion on {earlier:%-d %B %Y}. That completion ran out on "
        f"{expired:%-d %B %Y}, so Safeguarding Children Level 1 is due again now." in message.body
    )
