import logging
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError

from portal.lib.commands import failure_told
from portal.reports.pack_verify import ManifestError, pack_verify


class Command(BaseCommand):
    help = (
        "Check an evidence pack (PDF) and its CSV twin against each other and against the evidence ledger, on the "
        "basis and at the cut-off its manifest names, and the PDF against the SHA-256 kept with the pack whose id "
        "its manifest prints (packs made before it was kept: their manifest alone). For a pack as it was, also say "
        "how the same pack made now would differ, and which entries recorded since explain it."
    )

    def add_arguments(self, parser):
        parser.add_argument("pdf", help="The evidence pack, as downloaded (PDF).")
        parser.add_argument("csv", help="The pack's spreadsheet, as downloaded (CSV).")

    def handle(self, *args, **options):
        for path in (options["pdf"], options["csv"]):
            try:
                with open(path, "rb") as handle:  # read through, as the check will: a disk error shows only then
                    while handle.read(1 << 20):
                        pass
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        checking = failure_told("Checking the pack", kept="Nothing was changed.", traceback=options["traceback"])
        with checking, _pypdf_quiet():
            try:
                check = pack_verify(options["pdf"], options["csv"])
            except ManifestError as error:
                raise CommandError(_manifest_problem(options["pdf"], options["csv"], error)) from error
            except OSError as error:  # opened above, then failed to read (a disk error)
                if not error.strerror:
                    raise
                where = error.filename or f"{options['pdf']} or {options['csv']}"
                raise CommandError(f"Cannot read {where}: {error.strerror}. Nothing was changed.") from error
        for note in check.notes:
            self.stdout.write(f"OK: {note}")
        for problem in check.problems:
            self.stdout.write(self.style.ERROR(f"Problem: {problem}"))
        for line in check.since:  # news about the pack's day, not a problem with the pack
            self.stdout.write(f"Since: {line}")
        if not check.ok:
            raise CommandError("The pack does not match the records.")
        self.stdout.write(self.style.SUCCESS("The pack matches the records."))


def _manifest_problem(pdf: str, csv: str, error: ManifestError) -> str:
    """The manifest's problem, naming the file it is in: an auditor checking several packs must know which one; and
    the two files given the wrong way round said so, the commonest slip."""
    if _starts_as_pdf(csv) and not _starts_as_pdf(pdf):
        return f"{pdf} is not a PDF but {csv} is: give the pack's PDF first, then its CSV."
    return f"{pdf}: {error}"


def _starts_as_pdf(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(1024).lstrip().startswith(b"%PDF-")


@contextmanager
def _pypdf_quiet():
    """pypdf logs what it works round in a damaged PDF ("EOF marker not found") as a warning, printed above the
    command's own words, which already say whether the file could be read."""
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)
