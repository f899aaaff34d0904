import argparse
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.urls import reverse

from portal.compliance.completions import completions_listing_csv
from portal.compliance.imports.base import importer_for, importers
from portal.compliance.imports.services import ImportRefused, import_batch_apply, import_batch_create
from portal.compliance.models import ImportBatch
from portal.compliance.roster_audiences import audiences_changed
from portal.lib.commands import command_line, failure_told
from portal.lib.links import portal_url
from portal.people.text_formulas import HEADING


class Command(BaseCommand):
    help = (
        "Import a file: KIND is roster, completions or organisation. Dry run by default (exit status 1 if the file "
        "would be refused, as --apply is); --apply applies it here (in chunks, as the task worker would), --apply "
        "--background leaves it to the task worker."
    )
    # The aliases (import_roster, import_completions) set this, so the audit log names the command that was run.
    command_name = "import_file"

    def add_arguments(self, parser):
        if self.kind_fixed() is None:
            parser.add_argument("kind", choices=sorted(importers()))
        parser.add_argument("file")
        parser.add_argument("--apply", action="store_true", help="Apply the file (after a clean dry run).")
        completions, roster = ImportBatch.COMPLETIONS, ImportBatch.ROSTER
        parser.add_argument(
            "--strict",
            action="store_true",
            help=self._help_for(
                completions,
                "Completions: a person not on the roster is an error (by default the row is listed and skipped).",
            ),
        )
        parser.add_argument("--sheet", default="", help="An Excel file's sheet to read (by default the first).")
        parser.add_argument(
            "--list",
            metavar="FILE.csv",
            default="",
            help=self._help_for(
                completions,
                "Completions: write who and what the dry run would record to FILE.csv (the dry run page's download).",
            ),
        )
        parser.add_argument(
            "--confirm-identity-changes",
            action="store_true",
            help=self._help_for(
                roster, "With --apply: apply a roster's changes to who people are (work email, names), listed first."
            ),
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="With --apply: hand the apply to the task worker (manage.py db_worker) and return at once.",
        )

    def kind_fixed(self) -> str | None:
        return None

    def _help_for(self, kind: str, text: str) -> str:
        """An option for one kind of file is left out of the help of the command for another (import_roster's help
        listed --strict and --list, which it refuses). The option itself stays, so that typing it is still refused
        with the words saying which kind of file it is for, rather than argparse's "unrecognized arguments"."""
        return text if self.kind_fixed() in (None, kind) else argparse.SUPPRESS

    def handle(
        self, *args, file, apply=False, background=False, confirm_identity_changes=False, strict=False, **options
    ):
        kind = self.kind_fixed() or options["kind"]
        _refuse_options_that_do_not_apply(
            kind,
            apply=apply,
            background=background,
            confirm=confirm_identity_changes,
            strict=strict,
            sheet=options["sheet"],
        )
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        _refuse_too_large(path, importer_for(kind))
        listing = Path(options["list"]) if options["list"] else None
        if listing is not None and kind != ImportBatch.COMPLETIONS:
            raise CommandError("--list is for a completions file: it lists the completions a dry run would record.")
        if listing is not None and not listing.parent.is_dir():
            raise CommandError(f"--list: there is no folder {listing.parent} to write {listing.name} in.")
        data = _read_file(path)
        started = time.perf_counter()
        with failure_told(f"The dry run of {path.name}", kept="Nothing was applied.", traceback=options["traceback"]):
            batch, plan = import_batch_create(
                kind=kind,
                data=data,
                filename=path.name,
                user=None,
                options={"strict": strict, "sheet": options["sheet"]},
            )
        self.stdout.write(f"Dry run of {path.name}: {plan.rows} rows in {time.perf_counter() - started:.2f}s")
        for change in getattr(plan, "identity", []):
            reused = " (employee number re-used?)" if change.reused else ""
            self.stdout.write(
                f"  IDENTITY CHANGE line {change.person.line}, employee {change.staff.employee_number} "
                f"{change.staff.full_name}{reused}: " + "; ".join(change.changes)
            )
        if getattr(plan, "identity", None):
            self.stdout.write(
                "  Confirming these (--confirm-identity-changes) keeps the account and its training history with the "
                "employee number: a new work email becomes the account's sign-in email, the account is signed out "
                "everywhere, and both addresses are emailed. If this is a different person, do not confirm: correct "
                "the file."
            )
        for key, value in plan.summary.items():
            self.stdout.write(f"  {key}: {value}")
        kept = batch.summary.get("dry_run", {})  # a roster's, with who must do what (imports.roster_dry_run)
        for change in audiences_changed(kept["audience_counts"]) if "audience_counts" in kept else []:
            emptied = ": IT WOULD APPLY TO NO ONE (check the file's staff groups, teams and job titles)"
            self.stdout.write(
                f"  who must do it: {change.requirement.name}, {change.now} people in post now, {change.after} once "
                f"applied{emptied if change.to_no_one else ''}"
            )
        if getattr(plan, "unused", None):
            self.stdout.write("  not used: " + ", ".join(plan.unused))
        for ignored in getattr(plan, "ignored", []):
            self.stdout.write(f"  ignored: {ignored}")
        if getattr(plan, "hidden", ""):
            self.stdout.write(f"  hidden: {plan.hidden}")
        if getattr(plan, "unmatchable", None):  # a roster's (people.text_formulas)
            self.stdout.write(f"  {HEADING}:")
            for record in plan.unmatchable:
                self.stdout.write(f"    {record}")
        for number, name, ends in kept.get("taken_on_again", []):  # a roster's: what of the old job's access ends
            self.stdout.write(f"  taken on again: {number} {name}: {'; '.join(ends) if ends else 'nothing to end'}")
        for name, count in getattr(plan, "skipped", {}).items():
            self.stdout.write(f"  not mapped to a requirement ({count} {'row' if count == 1 else 'rows'}): {name}")
        if getattr(plan, "skipped", None):
            # Mapping is HR's choice, made once on a page: the command line has no way to make it.
            page = portal_url(reverse("imports:batch", args=[batch.pk]))
            self.stdout.write(
                f"  map each course to the requirement it counts towards on this dry run's page, {page}, or in the "
                f"CMS (Settings > Course mappings), to an external course requirement (added at "
                f"{reverse('requirements:list')}), then import the file again: until then its rows are skipped"
            )
        for warning in plan.retired_warnings() if hasattr(plan, "retired_warnings") else []:
            self.stdout.write(f"  skipped: {warning}")
        for line, number in getattr(plan, "not_on_roster", []):
            self.stdout.write(f"  skipped line {line}: {number} is not on the roster")
        for line, warning in getattr(plan, "after_leaving", []):
            self.stdout.write(f"  skipped line {line}: {warning}")
        for line, note in getattr(plan, "voided", []) + getattr(plan, "other_expiry", []):
            self.stdout.write(f"  skipped line {line}: {note}")
        for line, reason in _errors(plan):
            self.stdout.write(f"  line {line}: {reason}" if line else f"  problem: {reason}")
        if listing is not None:
            with listing.open("w", newline="", encoding="utf-8") as out:
                completions_listing_csv(plan, out)
            self.stdout.write(f"  the {len(plan.to_record)} completions to record are listed in {listing}")
        elif getattr(plan, "to_record", None):
            self.stdout.write("  --list FILE.csv writes who and what would be recorded: person, course, dates.")
        if not apply:
            if not plan.can_apply:
                # Refused as the apply refuses (exit status 1, the report above on stdout), so a script that runs the
                # dry run and then applies on success stops at a file the apply would refuse.
                raise CommandError(
                    f"Dry run: {path.name} cannot be applied. Fix the rejected rows and problems above, then import "
                    "again. Nothing was changed."
                )
            self.stdout.write(f"Nothing was changed. Run again with --apply to apply it (batch {batch.pk}).")
            return
        if not plan.can_apply:
            raise CommandError("Not applied: fix the rejected rows and problems above, then import again.")
        confirmed = getattr(plan, "identity_fingerprint", "") if confirm_identity_changes else ""
        if getattr(plan, "identity", None) and not confirmed:
            raise CommandError(
                "Not applied: the changes to who people are (listed first) need --confirm-identity-changes."
            )
        started = time.perf_counter()
        # Applied here, the batch's own run logs a failure with its traceback (import_batch_run): once is enough.
        failed = failure_told(
            f"Applying {path.name}",
            kept=lambda: _applied_before_failing(batch),
            traceback=options["traceback"],
            log=background,
        )
        with failed:
            try:
                import_batch_apply(
                    batch=batch,
                    user=None,
                    via=command_line(self.command_name),
                    background=background,
                    confirmed_identity=confirmed,
                )
            except ImportRefused as error:  # the refusal's own words (already applied, being applied)
                raise CommandError(str(error)) from error
        if background:
            page = portal_url(reverse("imports:batch", args=[batch.pk]))
            self.stdout.write(
                f"Batch {batch.pk} is waiting for the task worker (manage.py db_worker, docs/deploy.md section 4, "
                f"applies it); its page shows how far it has got: {page}"
            )
        elif batch.status == ImportBatch.DONE:
            self.stdout.write(f"Applied in {time.perf_counter() - started:.2f}s (batch {batch.pk}):")
            for line in _applied_lines(batch):
                self.stdout.write(line)
        else:
            raise CommandError(f"Not applied: {batch.error}")


def _applied_lines(batch: ImportBatch) -> list[str]:
    """What an apply did, a line a figure as the dry run prints them, and the emails a roster could not send (with what
    the server said and where HR sends them again), where the batch's whole summary was printed as a Python dict."""
    summary = batch.summary or {}
    lines = [f"  {key}: {value}" for key, value in summary.items() if not isinstance(value, dict | list)]
    emails = summary.get("emails") or {}
    invitations, notices = len(emails.get("invitations_unsent", [])), len(emails.get("notices_unsent", []))
    unsent = [
        f"{count} {one if count == 1 else many}"
        for count, one, many in (
            (invitations, "invitation", "invitations"),
            (notices, "notice of a changed sign-in email", "notices of a changed sign-in email"),
        )
        if count
    ]
    if unsent:
        lines.append(
            f"  not sent: {' and '.join(unsent)} (the email server said: {emails.get('error') or 'nothing'}). "
            f"HR can send them again from {reverse('imports:batch', args=[batch.pk])}"
        )
    return lines


def _applied_before_failing(batch: ImportBatch) -> str:
    """What an apply that failed left, from the batch: a roster or an organisation file applies in one transaction, so
    all or nothing; a completions file a chunk at a time, each chunk kept once recorded. Every kind can be applied
    again without doing anything twice."""
    try:
        batch.refresh_from_db()
    except DatabaseError:
        return f"How far it got could not be read: the page of batch {batch.pk} in the portal's imports says."
    marked = ", marked failed" if batch.status == ImportBatch.FAILED else ""
    if not batch.rows_done:
        return f"Nothing was applied (batch {batch.pk}{marked})."
    return (
        f"{batch.rows_done} of {batch.rows_total} rows were applied before it failed, and are kept (batch "
        f"{batch.pk}{marked}). Importing the same file again with --apply applies the rest, and nothing twice."
    )


def _refuse_options_that_do_not_apply(kind: str, *, apply, background, confirm, strict, sheet) -> None:
    """An option the kind of file or the dry run does not use is refused, naming it, before anything is read: it
    would otherwise be ignored without a word, and whoever typed it left thinking it had done something."""
    wrong = []
    if strict and kind != ImportBatch.COMPLETIONS:
        wrong.append("--strict is for a completions file (a person not on the roster is then an error)")
    if sheet and kind == ImportBatch.ORGANISATION:
        wrong.append("--sheet is for a roster or completions file (the organisation's teams: the first sheet)")
    if confirm and kind != ImportBatch.ROSTER:
        wrong.append("--confirm-identity-changes is for a roster file")
    if confirm and not apply:
        wrong.append("--confirm-identity-changes confirms an apply: add --apply")
    if background and not apply:
        wrong.append("--background hands an apply to the task worker: add --apply")
    if wrong:
        raise CommandError("Nothing was read or changed: " + "; ".join(wrong) + ".")


def _read_file(path: Path) -> bytes:
    """The file's bytes, or a refusal naming it and why it cannot be read (no permission, a read error)."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}. Nothing was changed.") from error


def _refuse_too_large(path: Path, importer) -> None:
    """The import page's limit on a file's size, for the kind (`Importer.max_bytes`), checked before it is read: the
    task worker reads the whole file again to apply it, whichever door it came through."""
    if path.stat().st_size > importer.max_bytes:
        raise CommandError(
            f"{path.name} is larger than {importer.max_bytes // (1024 * 1024)} MB, the most a {importer.file_noun} "
            "may be, as on the import page. Nothing was changed."
        )


def _errors(plan) -> list[tuple[int | None, str]]:
    """What stops the file, as its dry run page lists it: the file's own problems first, then by line."""
    if hasattr(plan, "errors"):
        return plan.errors
    return [(None, problem) for problem in plan.problems] + sorted(plan.rejected, key=lambda r: r[0])
