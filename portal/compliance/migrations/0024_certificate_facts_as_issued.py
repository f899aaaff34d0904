"""A certificate keeps the names and expiry it was printed with (`VerificationCode`), and an entry may have more than
one: one for each set of facts it was issued with. The codes issued before keep what their first download printed, as
best the records say: the training's name and renewal period as recorded at that moment (its history), and the
person's name now (the portal kept no history of names)."""

import hashlib
import json

from django.db import migrations, models

from portal.compliance.dates import add_months, local_day


def facts_as_first_printed(apps, schema_editor):
    VerificationCode = apps.get_model("compliance", "VerificationCode")
    RequirementChange = apps.get_model("compliance", "RequirementChange")
    codes = VerificationCode.objects.select_related("entry__staff", "entry__requirement")
    for verification in codes.iterator(chunk_size=500):
        entry = verification.entry
        terms = entry.requirement
        rows = RequirementChange.objects.filter(requirement_id=entry.requirement_id)
        rows = [row for row in rows if row.effective_on is None or row.recorded_at < verification.created_at]
        if rows:  # the terms then, as `requirement_history.recorded_order` orders the rows
            terms = max(rows, key=lambda row: (row.effective_on is not None, row.recorded_at, row.pk))
        expires_on = entry.expires_on
        if expires_on is None and terms.renewal_months and entry.completed_at:
            expires_on = add_months(local_day(entry.completed_at), terms.renewal_months)
        name = f"{entry.staff.first_name} {entry.staff.last_name}".strip()
        facts = [entry.pk, name, terms.name, expires_on.isoformat() if expires_on else None]
        VerificationCode.objects.filter(pk=verification.pk).update(
            name=name,
            requirement_name=terms.name,
            expires_on=expires_on,
            facts_key=hashlib.sha256(json.dumps(facts).encode("utf-8")).hexdigest(),
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
        migrations.RunPython(facts_as_first_printed, migrations.RunPython.noop),
    ]
