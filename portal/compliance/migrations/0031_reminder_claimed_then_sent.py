"""A reminder's row is its claim (made before the email goes, `claimed_at`) and is marked sent only once the mail
server took the email (`sent_at`), so that a claim a killed worker left unsent is told from a reminder sent and is
sent by a later run. Every row before this was written on success only, so it was sent when it was claimed."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0030_status_keeps_its_requirement"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminderlog",
            name="claimed_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunSQL(
            "UPDATE compliance_reminderlog SET claimed_at = sent_at", reverse_sql=migrations.RunSQL.noop, elidable=False
        ),
        migrations.AlterField(
            model_name="reminderlog",
            name="sent_at",
            field=models.DateTimeField(
                blank=True, help_text="When the mail server took it; empty while it is only claimed.", null=True
            ),
        ),
        migrations.AlterModelOptions(
            name="reminderlog",
            options={"ordering": ["-claimed_at"]},
        ),
    ]
