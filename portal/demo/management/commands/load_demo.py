from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo.loader import demo_sign_ins, load_demo
from portal.demo.people import TEAMS
from portal.lib.links import portal_url
from portal.people.models import StaffMember, Team


class Command(BaseCommand):
    help = "Load the demo organisation, policy, modules and history. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load into a database that already holds teams or people the demo did not make (DEBUG only).",
        )

    def handle(self, *args, force=False, **options):
        # No flag gets round this: what the demo adds (accounts with a published password, a second organisation,
        # evidence the ledger can never delete) must never reach a real portal, and production runs with DEBUG off.
        if not settings.DEBUG:
            raise CommandError(
                "load_demo only runs with DEBUG on (the development settings), with or without --force: it creates "
                "accounts with a published demo password, a demo organisation and evidence that can never be deleted."
            )
        found = _not_from_the_demo()
        if found and not force:
            raise CommandError(
                f"This database already holds {found}, which the demo did not make: the demo would be added beside "
                "it, and its evidence can never be deleted. Use an empty database, or add --force to load it anyway."
            )
        report = load_demo()
        self.stdout.write(f"Demo loaded: {len(report.created)} things created, {len(report.kept)} already there.")
        for item in report.created:
            self.stdout.write(f"  created {item}")
        # PORTAL_BASE_URL: `make demo` sets it to the address it serves on (HOST and PORT), as every link uses it.
        self.stdout.write(f"\nDemo sign-ins ({portal_url('/accounts/login/')}):")
        width = max(len(role) for role, _, _ in demo_sign_ins())
        for role, email, password in demo_sign_ins():
            self.stdout.write(f"  {role:<{width}}  {email:<40} {password}")


def _not_from_the_demo() -> str:
    """The first organisation, or person outside the demo's teams, that the demo did not make, in words, or ""."""
    demo_codes = [code for code, *_ in TEAMS]
    organisation = Team.get_root_nodes().exclude(code__in=demo_codes).first()
    if organisation is not None:
        return f"the organisation {organisation.name} ({organisation.code})"
    person = StaffMember.objects.exclude(team__code__in=demo_codes).first()
    if person is not None:
        return f"{person.full_name} (employee {person.employee_number})"
    return ""
