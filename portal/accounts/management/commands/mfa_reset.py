from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone

from portal.accounts.second_factor_reset import second_factor_reset, second_factors_for
from portal.accounts.service_desk import NOTHING_CHANGED, Refused, reason_check
from portal.lib.commands import command_line, failure_told


class Command(BaseCommand):
    help = (
        "Remove the authenticator app and recovery codes of the account that signs in with EMAIL, for someone who "
        "lost both (check who is asking first). Shows what it would remove by default; --apply --reason REASON "
        "removes them, ends the account's sessions, records it in the audit log and emails the person, whose role "
        "then asks them to set up an app again."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The address the account signs in with: the person's work email.")
        parser.add_argument("--apply", action="store_true", help="Remove them (without it, nothing changes).")
        parser.add_argument(
            "--reason",
            help="Why: the service desk's call number, for example. It goes in the audit log and, word for word, in "
            "the email to the person, so that they can match it to their call: write nothing you would not show them.",
        )

    def handle(self, *args, email, apply, reason, **options):
        with failure_told("Removing the second factor", kept=NOTHING_CHANGED, traceback=options["traceback"]):
            try:
                if not apply:
                    account, factors = second_factors_for(email)
                    reason_check(reason)
                    self.stdout.write(f"Would remove {_described(factors)} of {account.display_name} ({account.email})")
                    self.stdout.write(f'{NOTHING_CHANGED} To remove them, run again with --apply --reason "..."')
                    return
                done = second_factor_reset(email=email, reason=reason, actor=command_line("mfa_reset"))
            except Refused as error:
                raise CommandError(str(error)) from None
        account = done.account
        self.stdout.write(f"Removed {_named(done.factors)} of {account.display_name} ({account.email}).")
        self.stdout.write(
            "Their sessions have ended. When they next sign in, a role that needs an authenticator app asks them to "
            "set one up again. Recorded in the audit log."
        )
        if done.mail_failure:
            self.stdout.write(f"They could not be emailed ({done.mail_failure}): tell them yourself.")
        elif done.not_told:
            self.stdout.write(f"They were not emailed: {done.not_told}.")
        else:
            self.stdout.write(f"They were emailed at {account.email}.")


NAMES = {Authenticator.Type.TOTP: "the authenticator app", Authenticator.Type.RECOVERY_CODES: "the recovery codes"}


def _named(factors) -> str:
    return " and ".join(NAMES.get(factor.type, f"the {factor.type}") for factor in factors)


def _described(factors) -> str:
    return " and ".join(f"{NAMES.get(factor.type, f'the {factor.type}')} ({_detail(factor)})" for factor in factors)


def _detail(factor) -> str:
    if factor.type == Authenticator.Type.RECOVERY_CODES:
        return f"{len(factor.wrap().get_unused_codes())} unused"
    used = factor.last_used_at
    return f"set up {_day(factor.created_at)}, " + (f"last used {_day(used)}" if used else "never used")


def _day(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y")
