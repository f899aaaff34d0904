"""What the person who uploaded a certificate is told by email about HR's decision: a rejection, a verification, and
the withdrawal of a verification made in error."""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from portal.lib.links import portal_url
from portal.lib.mail import email_send

from .models import Certificate, RequirementStatus

logger = logging.getLogger(__name__)

REJECTED, VERIFIED, WITHDRAWN = "rejected", "verified", "withdrawn"
SUBJECTS = {
    REJECTED: "Your certificate for {name} was not accepted",
    VERIFIED: "Your certificate for {name} was verified",
    WITHDRAWN: "HR has withdrawn the verification of your certificate for {name}",
}


def certificate_decision_send(certificate: Certificate, decision: str) -> None:
    """Tell the person what HR decided about their certificate (`decision`: REJECTED, VERIFIED or WITHDRAWN), for
    which course, the completion date that counts now (or that it no longer does, and what to do next), with links to
    their training record and their certificates. Not sent to someone with no work email, nor to a leaver (past their
    leave date, or with a closed account): their mailbox is gone, as the reminders take it."""
    staff = certificate.staff
    if not staff.work_email or staff.has_left() or (staff.user is not None and not staff.user.is_active):
        return
    upload = f"{reverse('certificates:upload')}?{urlencode({'requirement': certificate.requirement_id})}"
    context = {
        "staff": staff,
        "certificate": certificate,
        "requirement": certificate.requirement,
        # What the person's record counts now, this decision included (None if the course no longer applies to them).
        "record": RequirementStatus.objects.filter(staff=staff, requirement=certificate.requirement_id).first(),
        "today": timezone.localdate(),  # a completion that has run out is named so: it no longer counts
        "upload_url": portal_url(upload),
        "certificates_url": portal_url(reverse("certificates:mine")),
        "training_url": portal_url(reverse("reports:my_training")),
        "service_name": settings.PORTAL_SERVICE_NAME,
        "organisation_name": settings.PORTAL_ORGANISATION_NAME,
    }
    email_send(
        subject=SUBJECTS[decision].format(name=certificate.requirement.name),
        body=render_to_string(f"email/certificates/{decision}.txt", context),
        to=[staff.work_email],
    )


def certificate_decision_send_on_commit(certificate: Certificate, decision: str, *, told=None) -> None:
    """Send it once the decision is committed (a rolled-back one tells nobody). A mail server that fails is logged,
    not raised: the decision stands, and the person still sees it, with any reason, on their certificates page; and
    `certificate` is marked (`decision_email_unsent`), so that the page HR decided on says so, and `told` as well: what
    that page holds instead, when it is not the certificate (the correction whose void withdrew its verification). The
    decision's transaction is the outermost, so the email has gone, or failed, by the time the service returns to the
    page."""
    transaction.on_commit(partial(_send_logged, certificate, decision, told))


def decision_email_unsent(decided) -> bool:
    """Whether the email about the decision just made failed: `decided` is the instance the service returned (the
    certificate, or the correction that withdrew its verification)."""
    return getattr(decided, "_decision_email_unsent", False)


def _send_logged(decided: Certificate, decision: str, told=None) -> None:
    certificate = Certificate.objects.select_related("staff__user", "requirement").get(pk=decided.pk)
    try:
        certificate_decision_send(certificate, decision)
    except Exception:
        logger.exception("Could not email %s that certificate %s was %s", certificate.staff, certificate.pk, decision)
        for marked in (decided, told):
            if marked is not None:
                marked._decision_email_unsent = True
