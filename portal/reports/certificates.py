"""Completion certificates and the codes that let anyone holding one check it is genuine."""

import secrets

from django.db import IntegrityError, transaction

from portal.compliance.dates import local_day
from portal.compliance.models import EvidenceEntry, VerificationCode
from portal.compliance.projection import standing_for

# No 0/O, 1/I/L: a code read aloud or typed from paper should not be misread.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def verification_code_for(entry: EvidenceEntry) -> VerificationCode:
    existing = VerificationCode.objects.filter(entry=entry).first()
    if existing:
        return existing
    for _ in range(5):
        try:
            with transaction.atomic():
                return VerificationCode.objects.create(entry=entry, code=new_code())
        except IntegrityError:
            existing = VerificationCode.objects.filter(entry=entry).first()
            if existing:
                return existing
    raise RuntimeError("Could not allocate a unique verification code.")


def certificate_facts(entry: EvidenceEntry) -> dict:
    """Exactly what a certificate shows, and so all that /verify/ may reveal."""
    standing, _ = standing_for(entry.staff, entry.requirement, [entry])
    return {
        "name": entry.staff.full_name,
        "requirement": entry.requirement.name,
        "completed_on": local_day(entry.completed_at),
        "expires_on": standing.expires_on,
        "policy_title": entry.snapshot.title if entry.snapshot_id else "",
        "version": entry.snapshot.version_label if entry.snapshot_id else "",
        "text_hash": entry.snapshot.content_hash if entry.snapshot_id else "",
        "source": entry.get_source_display(),
    }
