from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_questions_held_for_review"),
    ]

    operations = [
        # Added plain first, then made auto_now: adding it as auto_now would stamp every existing question with the
        # time of the migration, and every attempt open then would be refused as if its questions had been edited.
        migrations.AddField(
            model_name="question",
            name="changed_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AlterField(
            model_name="question",
            name="changed_at",
            field=models.DateTimeField(auto_now=True, null=True),
        ),
    ]
