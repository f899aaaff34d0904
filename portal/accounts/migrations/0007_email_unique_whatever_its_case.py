"""One account per work email whatever its capitals. The CMS's new-user form saved an address as typed, so
"HR.First@..." could sit beside "hr.first@...": two accounts for one mailbox, with sign-in, password reset and the
roster each finding one or the other. A database that already holds such a pair is not changed: the migration stops
and names them, for an administrator to merge or rename (which account keeps the person's training record is theirs
to decide, not the migration's)."""

from collections import defaultdict

import django.db.models.functions.text
from django.core.management import CommandError
from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Lower

import portal.accounts.models


def refuse_addresses_differing_only_in_case(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    accounts = User.objects.using(schema_editor.connection.alias).annotate(address=Lower("email"))
    shared = accounts.values("address").annotate(held_by=Count("pk")).filter(held_by__gt=1).values("address")
    holders = defaultdict(list)
    for address, pk, email in (
        accounts.filter(address__in=shared).order_by("address", "pk").values_list("address", "pk", "email")
    ):
        holders[address].append(f"{pk} ({email})")
    if holders:
        pairs = "; ".join(f"{address}: accounts {', '.join(held)}" for address, held in holders.items())
        raise CommandError(
            f"Not migrated: {len(holders)} work email(s) are held by more than one account, differing only in "
            f"capitals ({pairs}). Each address must be one account: merge or rename them in `manage.py shell` (the CMS "
            "does not change a sign-in email), then migrate again. Nothing was changed."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_password_unusable_by_default"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(refuse_addresses_differing_only_in_case, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=portal.accounts.models.EmailUniqueWhateverItsCase(
                django.db.models.functions.text.Lower("email"),
                name="accounts_user_email_unique_whatever_its_case",
                violation_error_message="An account already signs in with this work email (capitals do not make it "
                "another address).",
            ),
        ),
    ]
