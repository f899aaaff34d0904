"""Requirements gain the day they were introduced.

Requirements recorded before this migration are given the earliest day the roster knows anything about: the first
start date of anyone on it, or the first day anything was recorded on it, whichever is earlier. Nobody started
before that day, so every due date stays at start date plus the new-starter window as before; and no report as at an
earlier day had anyone on its roster, so leaving the requirement out of those reports changes nothing either. With an
empty roster the day of the migration is used.
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Min
from django.utils import timezone


def earliest_day_on_the_roster(apps, schema_editor):
    StaffMember = apps.get_model("people", "StaffMember")
    StaffChange = apps.get_model("people", "StaffChange")
    Requirement = apps.get_model("compliance", "Requirement")
    days = [
        StaffMember.objects.aggregate(day=Min("start_date"))["day"],
        StaffChange.objects.aggregate(day=Min("start_date"))["day"],
    ]
    first_recorded = StaffChange.objects.aggregate(at=Min("recorded_at"))["at"]
    if first_recorded is not None:
        days.append(timezone.localtime(first_recorded).date())
    known = [day for day in days if day is not None]
    Requirement.objects.update(introduced_on=min(known) if known else timezone.localdate())


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0006_ledger_head_follows_ledger"),
        ("people", "0003_staffchange"),
    ]

    operations = [
        migrations.AddField(
            model_name="requirement",
            name="introduced_on",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(earliest_day_on_the_roster, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="requirement",
            name="introduced_on",
            field=models.DateField(
                default=django.utils.timezone.localdate,
                help_text="The day it starts to apply. People already in post then have the new-starter window from "
                "this day; reports as at an earlier day leave it out. It cannot be in the future.",
            ),
        ),
    ]
