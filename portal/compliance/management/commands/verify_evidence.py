from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.compliance.certificate_audit import certificate_files_verify
from portal.compliance.ledger import head_hash, verify_chain
from portal.compliance.policy_texts import policy_texts_verify
from portal.compliance.receipts import receipts_check, receipts_confirmed_up_to
from portal.compliance.status_check import status_check
from portal.lib.commands import failure_told


class Command(BaseCommand):
    help = (
        "Walk the evidence ledger's hash chain and name the first entry that does not match; check every policy "
        "version's frozen text against its hash and against what each attestation's entry names; check every verified "
        "certificate's stored file against the SHA-256 its ledger entry records, and name each file changed or "
        "missing; with --receipts, also check the chain against every signed receipt of its head and name each "
        "receipt it no longer matches; with --status, also work the status table out again from the ledger and the "
        "roster (changing nothing) and name each person and requirement whose stored status or runs differ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--receipts",
            metavar="DIR",
            help="a folder of receipts (*.json, from PORTAL_RECEIPT_DIR or the receipts mailbox) to check against",
        )
        parser.add_argument(
            "--status",
            action="store_true",
            help=(
                "also check the status table every report reads against the ledger and the roster; it holds the "
                "ledger's lock for as long as a full rebuild_status takes, so evidence waits to be recorded meanwhile"
            ),
        )

    def handle(self, *args, receipts=None, status=False, **options):
        if receipts is not None and not Path(receipts).is_dir():
            raise CommandError(f"--receipts: there is no folder at {receipts}. Nothing was checked.")
        with failure_told("Verifying the evidence", kept="Nothing was changed.", traceback=options["traceback"]):
            self._verify(receipts, status)

    def _verify(self, receipts, status):
        report = verify_chain()
        problems = []
        if report.intact:
            self.stdout.write(f"Evidence ledger intact: {report.checked} entries checked. Head hash {head_hash()}.")
        else:
            problems.append(
                f"Evidence ledger BROKEN at entry #{report.broken_seq}: {report.problem}. "
                f"{report.checked} entries before it are intact."
            )
        problems += self._check_policy_texts()
        problems += self._check_certificate_files()
        if receipts is not None:
            problems += self._check_receipts(receipts, report.checked)
        if status:
            problems += self._check_status()
        if problems:
            raise CommandError("\n".join(problems))

    def _check_policy_texts(self) -> list[str]:
        texts = policy_texts_verify()
        checked = (
            f"{texts.versions} policy version{'' if texts.versions == 1 else 's'} and {texts.attestations} "
            f"attestation{'' if texts.attestations == 1 else 's'} checked"
        )
        if not texts.problems:
            self.stdout.write(f"{checked}: every version is the text its attestations name.")
            return []
        self.stdout.write(f"{checked}: {len(texts.problems)} problem{'' if len(texts.problems) == 1 else 's'}.")
        return texts.problems

    def _check_certificate_files(self) -> list[str]:
        files = certificate_files_verify()
        certificates = f"{files.checked} verified certificate{'' if files.checked == 1 else 's'} checked"
        if not files.problems:
            self.stdout.write(f"{certificates}: every file matches its ledger entry.")
            return []
        self.stdout.write(f"{certificates}: {len(files.problems)} problem{'' if len(files.problems) == 1 else 's'}.")
        return files.problems

    def _check_receipts(self, directory, entries: int) -> list[str]:
        findings = receipts_check(directory)
        if not findings:
            return [f"No receipts (*.json) found in {directory}: nothing to check the ledger against."]
        for finding in findings:
            if finding.ok:
                self.stdout.write(f"Receipt {finding.name}: entry #{finding.receipt.seq} matches.")
        confirmed = receipts_confirmed_up_to(findings)
        self.stdout.write(
            f"{len(findings)} receipts checked. Entries up to #{confirmed} are confirmed by a receipt; "
            f"{max(entries - confirmed, 0)} entries after it are covered by none yet."
        )
        return [f"Receipt {f.name} does not match: {f.problem}" for f in findings if not f.ok]

    def _check_status(self) -> list[str]:
        report = status_check()
        checked = (
            f"Status table: {report.rows} rows and {report.runs} runs in effective time checked against the ledger"
        )
        if report.out_of_date:
            self.stdout.write(
                f"{report.out_of_date} status rows are as the ledger gave them on an earlier day, only the calendar "
                "having moved on since (leavers after their leave date, pauses past their last day): "
                "manage.py rebuild_status brings them up to date."
            )
        if not report.differences:
            self.stdout.write(f"{checked}: every one matches.")
            return []
        count = len(report.differences)
        self.stdout.write(f"{checked}: {count} differ{'s' if count == 1 else ''}.")
        return [difference.described for difference in report.differences]
