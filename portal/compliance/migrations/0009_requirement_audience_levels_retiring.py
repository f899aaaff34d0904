from django.db import migrations, models


def reasons_for_earlier_retirements(apps, schema_editor):
    """Requirements retired before a reason was asked for. Their retired_on stays empty: they count in no report, as
    before."""
    Requirement = apps.get_model("compliance", "Requirement")
    Requirement.objects.filter(active=False, retired_reason="").update(
        retired_reason="Retired before the portal recorded reasons."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0008_import_batch"),
    ]

    operations = [
        migrations.AddField(
            model_name="requirement",
            name="job_title_patterns",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='Job titles it applies to, if not everyone: "Nurse*" is any title starting with Nurse, '
                '"*nurse*" any containing it. Capitals do not matter.',
            ),
        ),
        migrations.AddField(
            model_name="requirement",
            name="level",
            field=models.PositiveSmallIntegerField(blank=True, help_text="Its level in the family, e.g. 2.", null=True),
        ),
        migrations.AddField(
            model_name="requirement",
            name="level_family",
            field=models.CharField(
                blank=True,
                help_text="Training in levels, e.g. Safeguarding Adults: a higher level completed satisfies the "
                "lower ones.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="requirement",
            name="retired_on",
            field=models.DateField(
                blank=True,
                help_text="The day it was retired: it counts in reports as at earlier days, and in no live figure.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="requirement",
            name="retired_reason",
            field=models.TextField(blank=True, help_text="Why it was retired."),
        ),
        migrations.RunPython(reasons_for_earlier_retirements, migrations.RunPython.noop),
    ]
