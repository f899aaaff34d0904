import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.compliance.completions import completion_batch_apply, completion_batch_create


class Command(BaseCommand):
    help = "Import completions from the national e-learning records. Dry run by default; --apply records them."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--apply", action="store_true")

    def handle(self, *args, file, apply=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        started = time.perf_counter()
        batch, plan = completion_batch_create(data=path.read_bytes(), filename=path.name, user=None)
        self.stdout.write(f"Dry run of {path.name}: {plan.rows} rows in {time.perf_counter() - started:.2f}s")
        for key, value in plan.summary.items():
            self.stdout.write(f"  {key}: {value}")
        for name, count in plan.skipped.items():
            self.stdout.write(f"  not mapped to a requirement ({count} rows): {name}")
        for line, reason in plan.rejected:
            self.stdout.write(f"  rejected line {line}: {reason}")
        for problem in plan.problems:
            self.stdout.write(f"  problem: {problem}")
        if not apply:
            self.stdout.write("Nothing was recorded. Run again with --apply to record them.")
            return
        if not plan.can_apply:
            raise CommandError("Not applied: fix the rejected rows above, then import again.")
        started = time.perf_counter()
        completion_batch_apply(batch=batch, user=None)
        self.stdout.write(f"Recorded {len(plan.to_record)} completions in {time.perf_counter() - started:.2f}s.")
