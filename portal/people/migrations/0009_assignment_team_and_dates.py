import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    """A post whose holder holds no other gets their team, start date and leave date now: the roster took them from
    that post's row. A post of someone holding several stays empty (which row gave the person's team was not kept)
    until a roster file names it; an empty post lets no other team's manager see its holder."""
    Assignment = apps.get_model("people", "Assignment")
    StaffMember = apps.get_model("people", "StaffMember")
    alias = schema_editor.connection.alias
    only_post = (
        Assignment.objects.using(alias)
        .values("staff_id")
        .annotate(posts=models.Count("pk"))
        .filter(posts=1)
        .values("staff_id")
    )
    holder = StaffMember.objects.using(alias).filter(pk=models.OuterRef("staff_id"))
    Assignment.objects.using(alias).filter(staff_id__in=only_post).update(
        team_id=models.Subquery(holder.values("team_id")[:1]),
        start_date=models.Subquery(holder.values("start_date")[:1]),
        leave_date=models.Subquery(holder.values("leave_date")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0008_identitychange"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="leave_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="assignment",
            name="start_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="assignment",
            name="team",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="posts",
                to="people.team",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
