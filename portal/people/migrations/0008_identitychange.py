import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    """One row per person from their number and name now, kept from before the portal kept names (empty
    `recorded_at`): it stands for the time before the first change recorded from now on."""
    StaffMember = apps.get_model("people", "StaffMember")
    IdentityChange = apps.get_model("people", "IdentityChange")
    alias = schema_editor.connection.alias
    people = StaffMember.objects.using(alias).values_list("pk", "employee_number", "first_name", "last_name")
    IdentityChange.objects.using(alias).bulk_create(
        (
            IdentityChange(staff_id=pk, recorded_at=None, employee_number=number, first_name=first, last_name=last)
            for pk, number, first, last in people.iterator(chunk_size=2000)
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_teamchange"),
    ]

    operations = [
        migrations.CreateModel(
            name="IdentityChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("recorded_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                ("employee_number", models.CharField(max_length=30)),
                ("first_name", models.CharField(max_length=150)),
                ("last_name", models.CharField(max_length=150)),
                (
                    "staff",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="identities",
                        to="people.staffmember",
                    ),
                ),
            ],
            options={
                "ordering": ["staff", models.F("recorded_at").asc(nulls_first=True), "pk"],
                "indexes": [models.Index(fields=["staff", "recorded_at"], name="people_identity_staff_at")],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
