from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo.loader import demo_sign_ins, load_demo


class Command(BaseCommand):
    help = "Load the demo organisation, policy, modules and history. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off (never in production).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("load_demo creates accounts with a published demo password: it only runs with DEBUG on.")
        report = load_demo()
        self.stdout.write(f"Demo loaded: {len(report.created)} things created, {len(report.kept)} already there.")
        for item in report.created:
            self.stdout.write(f"  created {item}")
        self.stdout.write("\nDemo sign-ins (http://127.0.0.1:8000/accounts/login/):")
        width = max(len(role) for role, _, _ in demo_sign_ins())
        for role, email, password in demo_sign_ins():
            self.stdout.write(f"  {role:<{width}}  {email:<40} {password}")
