"""Completion certificates and the codes that let anyone holding one check it is genuine."""

import datetime
import secrets
from dataclasses import dataclass, replace

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
    """The certificate to print for `entry` now, with its code: the one issued before with the same facts
    (`certificate_facts`), made on first download; else, when a fact has changed since (the person's name, the
    training's name, its renewal period), a new one with a code of its own, so that every copy printed reads the same
    as its check. Two downloads at once still give one certificate."""
    facts = certificate_facts(entry)
    key = VerificationCode.key_of(entry.pk, facts.name, facts.requirement, facts.expires_on)
    existing = VerificationCode.objects.filter(facts_key=key).first()
    if existing:
        return existing
    for _ in range(5):
        try:
            with transaction.atomic():
                return VerificationCode.objects.create(
                    entry=entry,
                    code=new_code(),
                    name=facts.name,
                    requirement_name=facts.requirement,
                    expires_on=facts.expires_on,
                    facts_key=key,
                )
        except IntegrityError:
            # Either another request issued this certificate first, or (vanishingly rarely) the code was taken.
            existing = VerificationCode.objects.filter(facts_key=key).first()
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
    """The facts of one completion as a certificate issued now states them: the person's and the training's names
    now, and the expiry the source stated, else the completion's London day plus the renewal period now, which is
    the expiry the status table gives it from the day HR set that period. (A later re-attestation round may shorten
    what counts for compliance; it does not rewrite the certificate.) A certificate issued earlier states them as they
    were then (`issued_facts`)."""
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


def issued_facts(verification: VerificationCode) -> CertificateFacts:
    """What the certificate with this code says, as it was issued: its entry's facts, with the names and expiry it
    was printed with."""
    return replace(
        certificate_facts(verification.entry),
        name=verification.name,
        requirement=verification.requirement_name,
        expires_on=verification.expires_on,
    )
