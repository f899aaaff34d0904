from django.core.management.base import BaseCommand, CommandError
from django.utils import formats

from portal.accounts.service_desk import NOTHING_CHANGED, Refused, reason_check
from portal.accounts.sso_links import sso_links_for, sso_links_remove
from portal.lib.commands import command_line, failure_told


class Command(BaseCommand):
    help = (
        "Remove the single sign-on link of the account that signs in with EMAIL, so the person's next single sign-on "
        "links their directory account afresh (theirs was re-created, or linked wrongly). Shows what it would remove "
        "by default; --apply --reason REASON removes it, ends the account's sessions and records it in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The address the account signs in with: the person's work email.")
        parser.add_argument("--apply", action="store_true", help="Remove the link (without it, nothing changes).")
        parser.add_argument("--reason", help="Why, for the audit log: for example the service desk's call number.")

    def handle(self, *args, email, apply, reason, **options):
        with failure_told("Removing the link", kept=NOTHING_CHANGED, traceback=options["traceback"]):
            try:
                if not apply:
                    account, links = sso_links_for(email)
                    reason_check(reason)
                    self.stdout.write(f"Would remove {_links(links)} of {_whose(account, links)}")
                    self.stdout.write(
                        f'{NOTHING_CHANGED} To remove {_it(links)}, run again with --apply --reason "..."'
                    )
                    return
                account, links = sso_links_remove(email=email, reason=reason, actor=command_line("sso_unlink"))
            except Refused as error:
                raise CommandError(str(error)) from None
        self.stdout.write(f"Removed {_links(links)} of {_whose(account, links)}")
        self.stdout.write(
            "Their sessions have ended. Their next single sign-on links the directory account they sign in with, "
            "found by their work email on the roster. Recorded in the audit log."
        )


def _whose(account, links) -> str:
    return f"{account.display_name} ({account.email}): " + "; ".join(
        f"{link.provider}, subject {link.uid}, "
        + (f"last used {formats.date_format(link.last_login, 'j F Y')}" if link.last_login else "never used")
        for link in links
    )


def _links(links) -> str:
    return "the single sign-on link" if len(links) == 1 else f"the {len(links)} single sign-on links"


def _it(links) -> str:
    return "it" if len(links) == 1 else "them"
