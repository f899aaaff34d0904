from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def open_attempts_as_their_quiz_asks(apps, schema_editor):
    """An attempt still open was drawn with a number no longer known: take the quiz's as it is now, so it can be
    submitted as before unless the quiz changes. Submitted attempts are left empty (unknown)."""
    Attempt = apps.get_model("quizzes", "Attempt")
    Quiz = apps.get_model("quizzes", "Quiz")
    per_attempt = Quiz.objects.filter(pk=OuterRef("quiz_id")).values("questions_per_attempt")
    Attempt.objects.filter(submitted_at__isnull=True).update(questions_per_attempt=Subquery(per_attempt))


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0005_attempts_keep_their_account")]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="questions_per_attempt",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(open_attempts_as_their_quiz_asks, migrations.RunPython.noop),
    ]
