"""A certificate keeps the names and expiry it was printed with (`VerificationCode`), and an entry may have more than
one: one for each set of facts it was issued with. The codes issued before keep what their first download printed, as
best the records say: the training's name and renewal period as recorded at that moment (its history), and the
person's name now (the portal kept no history of names)."""

import calendar
import hashlib
import json

from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError
from django.db.models import Count
from django.utils import timezone

BATCH = 500


# portal.compliance.dates's add_months and local_day as they were when this was written: a migration keeps its own
# copy, so a later change to the app's code can neither break it nor change what it wrote.
def _add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _local_day(moment):
    return timezone.localtime(moment).date()


def facts_as_first_printed(apps, schema_editor):
    """A few queries however many codes (a large trust has tens of thousands, and the ALTER above holds the table
    until the migration ends): each requirement's history read once, the codes written in batches."""
    VerificationCode = apps.get_model("compliance", "VerificationCode")
    RequirementChange = apps.get_model("compliance", "RequirementChange")
    histories = {}
    codes = VerificationCode.objects.select_related("entry__staff", "entry__requirement").order_by("pk")
    last = 0
    # A page at a time, read whole before it is written: no cursor is open on the table while it changes.
    while page := list(codes.filter(pk__gt=last)[:BATCH]):
        for verification in page:
            entry = verification.entry
            if entry.requirement_id not in histories:
                histories[entry.requirement_id] = list(
                    RequirementChange.objects.filter(requirement_id=entry.requirement_id)
                )
            terms = entry.requirement
            rows = histories[entry.requirement_id]
            rows = [row for row in rows if row.effective_on is None or row.recorded_at < verification.created_at]
            if rows:  # the terms then, as `requirement_history.recorded_order` orders the rows
                terms = max(rows, key=lambda row: (row.effective_on is not None, row.recorded_at, row.pk))
            expires_on = entry.expires_on
            if expires_on is None and terms.renewal_months and entry.completed_at:
                expires_on = _add_months(_local_day(entry.completed_at), terms.renewal_months)
            name = f"{entry.staff.first_name} {entry.staff.last_name}".strip()
            facts = [entry.pk, name, terms.name, expires_on.isoformat() if expires_on else None]
            verification.name, verification.requirement_name, verification.expires_on = name, terms.name, expires_on
            verification.facts_key = hashlib.sha256(json.dumps(facts).encode("utf-8")).hexdigest()
        VerificationCode.objects.bulk_update(page, ["name", "requirement_name", "expires_on", "facts_key"])
        last = page[-1].pk


def one_code_per_entry_again(apps, schema_editor):
    """Before this, a completion had one code. One issued a certificate for each set of facts since has several, each
    printed and perhaps in someone's hands: going back cannot keep them all, and must not drop any."""
    VerificationCode = apps.get_model("compliance", "VerificationCode")
    several = (
        VerificationCode.objects.values("entry_id").annotate(codes=Count("pk")).filter(codes__gt=1).order_by("entry_id")
    )
    named = [f"completion {row['entry_id']} has {row['codes']} certificates" for row in several[:10]]
    if named:
        raise IrreversibleError(
            "Cannot go back before compliance 0024: " + "; ".join(named) + ". Each was printed with its own code, and "
            "before 0024 a completion has one. Nothing was changed."
        )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0023_window_from_start")]

    operations = [
        migrations.AlterField(
            model_name="verificationcode",
            name="entry",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT, related_name="verifications", to="compliance.evidenceentry"
            ),
        ),
        migrations.AddField(
            model_name="verificationcode",
            name="name",
            field=models.CharField(default="", help_text="The person's name as printed.", max_length=301),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="verificationcode",
            name="requirement_name",
            field=models.CharField(default="", help_text="The training's name as printed.", max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="verificationcode",
            name="expires_on",
            field=models.DateField(blank=True, help_text="Valid until, as printed; empty: no expiry.", null=True),
        ),
        migrations.AddField(
            model_name="verificationcode",
            name="facts_key",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(facts_as_first_printed, one_code_per_entry_again),
    ]
