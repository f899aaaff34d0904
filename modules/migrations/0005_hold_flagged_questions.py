from django.db import migrations


def hold_flagged_questions(apps, schema_editor):
    """Questions with a review flag still open are held back from quizzes, as new flags hold them."""
    ReviewFlag = apps.get_model("modules", "ReviewFlag")
    Question = apps.get_model("quizzes", "Question")
    open_flags = ReviewFlag.objects.filter(resolved_at__isnull=True, question__isnull=False)
    Question.objects.filter(pk__in=open_flags.values("question_id")).update(held_for_review=True)


class Migration(migrations.Migration):
    dependencies = [
        ("modules", "0004_policy_version_changes_per_section"),
        ("quizzes", "0002_questions_held_for_review"),
    ]

    operations = [migrations.RunPython(hold_flagged_questions, migrations.RunPython.noop)]
