from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def current_titles(apps, schema_editor):
    """History recorded before job titles were kept gets each person's current title: the only one known."""
    StaffChange = apps.get_model("people", "StaffChange")
    StaffMember = apps.get_model("people", "StaffMember")
    StaffChange.objects.update(
        job_title=Subquery(StaffMember.objects.filter(pk=OuterRef("staff_id")).values("job_title")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_team_closed_on_manager_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffchange",
            name="job_title",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(current_titles, migrations.RunPython.noop),
    ]
