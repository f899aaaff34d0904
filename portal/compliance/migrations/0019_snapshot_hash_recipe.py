from django.db import migrations, models


class Migration(migrations.Migration):
    # Every version frozen before this migration hashed its text alone: it keeps that recipe (1), so its hash is
    # checked as it was made and no stored row is rewritten. Versions frozen from now on hash the title too (2).
    dependencies = [
        ("compliance", "0018_round_withdrawal"),
    ]

    operations = [
        migrations.AddField(
            model_name="policysnapshot",
            name="hash_recipe",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "The text, section by section (versions frozen before 5 December 2026)"),
                    (2, "The title, a blank line, then the text"),
                ],
                default=1,
                help_text="What the content hash covers.",
            ),
            preserve_default=False,
        ),
    ]
