"""Whether each verified certificate's stored file is still the one HR verified, as `verify_evidence` checks the
chain: the ledger's verification entries against the certificates' rows and files."""

from dataclasses import dataclass, field

from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat

from .certificates import moved, recorded_sha256, stored_file
from .models import Certificate, EvidenceEntry


@dataclass
class FilesReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)


def certificate_files_verify(chunk: int = 500) -> FilesReport:
    """Check every verified certificate's stored file against the ledger, as `verify_evidence` does for the chain:
    walk the verifications' entries (withdrawn ones too: the entry stays, and so must its file) and hash each file.
    The expected SHA-256 is the one the entry names; for an entry recorded before entries named the file, the one the
    certificate's upload recorded (on its row, which is read-write: weaker). Names each file changed or missing, each
    entry whose certificate is gone, each certificate whose row names another person or requirement than its entry,
    and each certificate marked verified that no entry records."""
    report = FilesReport()
    entries = EvidenceEntry.objects.filter(source=EvidenceEntry.CERTIFICATE).order_by("seq")
    entries = entries.select_related("staff", "requirement")
    batch = []
    for entry in entries.iterator(chunk_size=chunk):
        batch.append(entry)
        if len(batch) == chunk:
            _files_check(batch, report)
            batch = []
    _files_check(batch, report)
    key = Concat(Value("certificate:"), Cast(OuterRef("pk"), CharField()))
    unrecorded = (
        Certificate.objects.filter(status__in=[Certificate.APPROVED, Certificate.WITHDRAWN])
        .exclude(Exists(EvidenceEntry.objects.filter(idempotency_key=key)))
        .select_related("staff", "requirement")
        .order_by("pk")
    )
    for certificate in unrecorded:
        report.problems.append(
            f"{_named(certificate)} is marked verified, but no ledger entry records its verification."
        )
    return report


def _files_check(entries: list[EvidenceEntry], report: FilesReport) -> None:
    numbers = {entry.pk: _certificate_number(entry.idempotency_key) for entry in entries}
    certificates = Certificate.objects.select_related("staff", "requirement").in_bulk(
        [number for number in numbers.values() if number is not None]
    )
    for entry in entries:
        number = numbers[entry.pk]
        if number is None:
            report.problems.append(
                f"Ledger entry #{entry.seq} records a verified certificate but names none "
                f"(its key is '{entry.idempotency_key[:40]}')."
            )
            continue
        certificate = certificates.get(number)
        if certificate is None:
            report.problems.append(
                f"Ledger entry #{entry.seq} records the verification of certificate {number}, which is no longer "
                "in the database."
            )
            continue
        report.checked += 1
        named = _named(certificate)
        problem = moved(certificate, entry)
        if problem:
            report.problems.append(f"{named}: {problem}")
        expected = recorded_sha256(entry) or certificate.sha256
        try:
            found, _ = stored_file(certificate)
        except FileNotFoundError:
            report.problems.append(
                f"{named}: the stored file is missing ({certificate.file.name or 'no file named'}); "
                f"ledger entry #{entry.seq} records its verification."
            )
            continue
        if found == expected:
            continue
        if recorded_sha256(entry) is None:
            report.problems.append(
                f"{named}: the stored file does not match the SHA-256 its upload recorded "
                f"({expected}; ledger entry #{entry.seq} was recorded before verifications named the file): the "
                f"file stored now has {found}."
            )
        else:
            report.problems.append(
                f"{named}: the stored file does not match ledger entry #{entry.seq}, which recorded "
                f"SHA-256 {expected}: the file stored now has {found}."
            )


def _certificate_number(key: str) -> int | None:
    prefix, _, number = key.partition(":")
    return int(number) if prefix == "certificate" and number.isdigit() and len(number) < 19 else None


def _named(certificate: Certificate) -> str:
    return f"Certificate {certificate.pk} ({certificate.staff.full_name}, {certificate.requirement.name})"
