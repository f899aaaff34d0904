from django.conf import settings
from django.db import migrations, models

import portal.compliance.models


def before_reminders_name_their_days(apps, schema_editor):
    """Reminders already sent before a due date were the one default offset: say so, so none is sent twice."""
    offset = getattr(settings, "PORTAL_REMINDER_OFFSETS", {}).get("before", -14)
    apps.get_model("compliance", "ReminderLog").objects.filter(stage="before").update(days_before=abs(offset))


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0009_requirement_audience_levels_retiring"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="reminderlog", name="reminder_once_ever"),
        migrations.AddField(
            model_name="reminderlog",
            name="days_before",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="For a reminder before the due date: how many days before it was due to go."
            ),
        ),
        migrations.RunPython(before_reminders_name_their_days, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="reminderlog",
            constraint=models.UniqueConstraint(
                fields=("staff", "requirement", "stage", "days_before", "due_on", "recipient"),
                name="reminder_once_ever",
            ),
        ),
        migrations.AddField(
            model_name="requirement",
            name="reminder_days",
            field=models.JSONField(
                blank=True,
                default=portal.compliance.models.default_reminder_days,
                help_text="Days before the due date to remind the person, e.g. [60, 30, 14]; each is sent once.",
            ),
        ),
        migrations.AlterField(
            model_name="evidenceentry",
            name="source",
            field=models.CharField(
                choices=[
                    ("module", "Portal module completed (quiz passed)"),
                    ("quiz_attempt", "Quiz passed"),
                    ("attestation", "Attestation"),
                    ("import", "Imported completion"),
                    ("certificate", "Certificate verified by HR"),
                    ("void", "Correction: voids an earlier entry"),
                    ("pause", "Pause: the clock stops for a while"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="requirementstatus",
            name="paused_from",
            field=models.DateField(blank=True, help_text="The pause in force, or the next one.", null=True),
        ),
        migrations.AddField(
            model_name="requirementstatus",
            name="paused_until",
            field=models.DateField(blank=True, help_text="Its last day; empty for no return date yet.", null=True),
        ),
    ]
