from django.db import migrations, models


def hash_open_question_flags(apps, schema_editor):
    """Open question flags raised before the hash was kept take the hash of their question as it is now: until now any
    save of the question in the CMS resolved every flag it had, so a question still flagged has not been saved since
    its flag was raised, and holds the content the flag was raised on. `quizzes.content` hashes it, as the flags
    raised from now on are hashed."""
    from quizzes.content import question_content_hash

    ReviewFlag = apps.get_model("modules", "ReviewFlag")
    Question = apps.get_model("quizzes", "Question")
    Choice = apps.get_model("quizzes", "Choice")
    flags = ReviewFlag.objects.filter(resolved_at__isnull=True, question__isnull=False, content_hash="")
    for question in Question.objects.filter(pk__in=flags.values("question_id")):
        choices = Choice.objects.filter(question_id=question.pk).values_list("text", "feedback", "is_correct")
        content_hash = question_content_hash(
            kind=question.kind, scenario=question.scenario, stem=question.stem, choices=list(choices)
        )
        flags.filter(question_id=question.pk).update(content_hash=content_hash)


class Migration(migrations.Migration):
    dependencies = [
        ("modules", "0011_completions_and_answers_keep_their_account"),
        ("quizzes", "0005_attempts_keep_their_account"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reviewflag",
            name="content_hash",
            field=models.CharField(
                blank=True,
                help_text="The scenario's or question's content when flagged (ScenarioBlock.content_hash, "
                "quizzes.content.question_content_hash): publishing the module, or saving the question, with other "
                "content resolves the flag as changed.",
                max_length=64,
            ),
        ),
        migrations.RunPython(hash_open_question_flags, migrations.RunPython.noop),
    ]
