"""What the person who uploaded a certificate is told by email about HR's decision."""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from portal.lib.links import portal_url

from .models import Certificate

logger = logging.getLogger(__name__)


def certificate_rejected_send(certificate: Certificate) -> None:
    """Tell the person HR rejected their certificate, with HR's reason and where to upload another. Not sent to a
    closed account (a leaver's mailbox is gone, as the reminders take it) or to someone with no work email."""
    staff = certificate.staff
    if not staff.work_email or (staff.user is not None and not staff.user.is_active):
        return
    upload = f"{reverse('certificates:upload')}?{urlencode({'requirement': certificate.requirement_id})}"
    context = {
        "staff": staff,
        "certificate": certificate,
        "requirement": certificate.requirement,
        "upload_url": portal_url(upload),
        "certificates_url": portal_url(reverse("certificates:mine")),
        "service_name": settings.PORTAL_SERVICE_NAME,
        "organisation_name": settings.PORTAL_ORGANISATION_NAME,
    }
    send_mail(
        subject=f"Your certificate for {certificate.requirement.name} was not accepted",
        message=render_to_string("email/certificates/rejected.txt", context),
        from_email=None,
        recipient_list=[staff.work_email],
    )


def certificate_rejected_send_on_commit(certificate: Certificate) -> None:
    """Send it once the rejection is committed (a rolled-back rejection tells nobody). A mail server that fails is
    logged, not raised: the rejection stands, and the person still sees it, with the reason, on their certificates
    page."""
    transaction.on_commit(partial(_send_logged, certificate.pk))


def _send_logged(certificate_id: int) -> None:
    certificate = Certificate.objects.select_related("staff__user", "requirement").get(pk=certificate_id)
    try:
        certificate_rejected_send(certificate)
    except Exception:
        logger.exception("Could not email %s that certificate %s was rejected", certificate.staff, certificate.pk)
