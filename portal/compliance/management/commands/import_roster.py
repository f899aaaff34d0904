import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.compliance.roster import roster_batch_apply
from portal.people.roster import roster_batch_create


class Command(BaseCommand):
    help = "Import an ESR-shaped roster CSV. Dry run by default; --apply applies it, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--apply", action="store_true", help="Apply the roster (after a clean dry run).")

    def handle(self, *args, file, apply=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        started = time.perf_counter()
        batch, plan = roster_batch_create(data=path.read_bytes(), filename=path.name, user=None)
        self.stdout.write(f"Dry run of {path.name}: {plan.rows} rows in {time.perf_counter() - started:.2f}s")
        for key, value in plan.summary.items():
            self.stdout.write(f"  {key}: {value}")
        for line, reason in plan.rejected:
            self.stdout.write(f"  rejected line {line}: {reason}")
        for problem in plan.problems:
            self.stdout.write(f"  problem: {problem}")
        if not apply:
            self.stdout.write("Nothing was changed. Run again with --apply to apply it.")
            return
        if not plan.can_apply:
            raise CommandError("Not applied: fix the rejected rows and problems above, then import again.")
        started = time.perf_counter()
        roster_batch_apply(batch=batch, user=None)
        self.stdout.write(f"Applied in {time.perf_counter() - started:.2f}s.")
