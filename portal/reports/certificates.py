"""Completion certificates and the codes that let anyone holding one check it is genuine."""

import datetime
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from portal.compliance.dates import add_months, local_day
from portal.compliance.models import EvidenceEntry, VerificationCode

# No 0/O, 1/I/L: a code read aloud or typed from paper should not be misread. 31 ** 12 is about 8 x 10 ** 17,
# so a code cannot be guessed.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What someone types from paper: spaces and hyphens ignored, any case. Anything that could not be a code (a
    character outside the alphabet, too long) becomes "", which matches no certificate."""
    code = "".join(code.split()).replace("-", "").upper()
    return code if len(code) == CODE_LENGTH and all(character in ALPHABET for character in code) else ""


def verification_code_for(entry: EvidenceEntry) -> VerificationCode:
    """The entry's code, made on first download. Two downloads at once still give the entry one code."""
    existing = VerificationCode.objects.filter(entry=entry).first()
    if existing:
        return existing
    for _ in range(5):
        try:
            with transaction.atomic():
                return VerificationCode.objects.create(entry=entry, code=new_code())
        except IntegrityError:
            # Either another request made this entry's code first, or (vanishingly rarely) the code was taken.
            existing = VerificationCode.objects.filter(entry=entry).first()
            if existing:
                return existing
    raise RuntimeError("Could not allocate a unique verification code.")


@dataclass(frozen=True)
class CertificateFacts:
    """Exactly what a certificate shows, and so all that /verify/ may reveal."""

    name: str
    requirement: str
    completed_on: datetime.date
    expires_on: datetime.date | None
    policy_title: str
    version: str
    text_hash: str
    source: str

    @property
    def is_attestation(self) -> bool:
        return bool(self.version)


def certificate_facts(entry: EvidenceEntry) -> CertificateFacts:
    """The facts of one completion, from the entry alone, so a certificate says the same thing whenever it is
    downloaded or checked: the expiry the source stated, else the completion's London day plus the renewal period.
    (A later re-attestation round may shorten what counts for compliance; it does not rewrite the certificate.)"""
    completed_on = local_day(entry.completed_at)
    expires_on = entry.expires_on
    if expires_on is None and entry.requirement.renewal_months:
        expires_on = add_months(completed_on, entry.requirement.renewal_months)
    snapshot = entry.snapshot if entry.snapshot_id else None
    return CertificateFacts(
        name=entry.staff.full_name,
        requirement=entry.requirement.name,
        completed_on=completed_on,
        expires_on=expires_on,
        policy_title=snapshot.title if snapshot else "",
        version=snapshot.version_label if snapshot else "",
        text_hash=snapshot.content_hash if snapshot else "",
        source=entry.get_source_display(),
    )
