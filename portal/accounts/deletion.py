"""Whether an account can be deleted: the training records that name it hold it.

A delete took the person's module completions, quiz attempts and scenario answers with the account, left evidence,
certificates and their staff record naming no one, or failed on the rows that protect the account in the database
(evidence it recorded, packs it asked for) with a server error. Each app says which of its rows name an account
(the `register_account_records` hook: what they are, in words; the rows; the lookup from a row to the account), as
this app may not import those above it. Every door the CMS offers (the user's delete, the users list's bulk delete)
asks here first (`wagtail_hooks`) and refuses with the reason; round the CMS, the rows that are evidence hold the
account in the database (on_delete=PROTECT).
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from wagtail import hooks


def account_records() -> list[tuple[str, object, str]]:
    """(what they are, the rows, the lookup to the account) for each kind of record an app registered."""
    return [record for register in hooks.get_hooks("register_account_records") for record in register()]


def account_deletion_refusals(users) -> dict[int, list[str]]:
    """For each of `users` that training records name, what they are ("module completions", ...), keyed by the
    account's pk; an account nothing names is left out. One query: the accounts, with an EXISTS for each kind."""
    records = account_records()
    holds = {
        f"holds_{n}": Exists(rows.filter(**{lookup: OuterRef("pk")})) for n, (_, rows, lookup) in enumerate(records)
    }
    accounts = get_user_model().objects.filter(pk__in=[user.pk for user in users]).annotate(**holds)
    refusals = {}
    for pk, *held in accounts.values_list("pk", *holds):
        named = [what for (what, _, _), holds_them in zip(records, held, strict=True) if holds_them]
        if named:
            refusals[pk] = named
    return refusals


def account_deletion_refused_message(user, records: list[str]) -> str:
    return (
        f"“{user}” ({user.email}) cannot be deleted: training records name the account ({', '.join(records)}). "
        "Deleting it would lose them, or leave them naming no one. Close the account instead: untick Active and "
        "save. A closed account cannot sign in, and its records stay."
    )
