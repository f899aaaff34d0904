from django.db import migrations, models


def hash_open_scenario_flags(apps, schema_editor):
    """Open flags raised before the hash was kept take the hash of their scenario as published now, the content the
    flag still stands for; a flag whose scenario is no longer on the page keeps none, and the module's next publish
    resolves it. The portal's ScenarioBlock hashes it, as the flags raised from now on are hashed: the historical
    model's stream has Wagtail's plain blocks, without the method."""
    from modules.blocks import ScenarioBlock

    block = ScenarioBlock()
    ReviewFlag = apps.get_model("modules", "ReviewFlag")
    ModulePage = apps.get_model("modules", "ModulePage")
    flags = ReviewFlag.objects.filter(resolved_at__isnull=True).exclude(block_id="")
    for page in ModulePage.objects.filter(pk__in=flags.values("page_id")):
        for raw in page.body.raw_data:
            if raw["type"] == "scenario":
                content_hash = block.content_hash(block.to_python(raw["value"]))
                flags.filter(page_id=page.pk, block_id=raw["id"]).update(content_hash=content_hash)


class Migration(migrations.Migration):
    dependencies = [
        ("modules", "0008_policy_front_matter"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewflag",
            name="content_hash",
            field=models.CharField(
                blank=True,
                help_text="The scenario's content when flagged (ScenarioBlock.content_hash): publishing the module "
                "with other content resolves the flag as changed.",
                max_length=64,
            ),
        ),
        migrations.RunPython(hash_open_scenario_flags, migrations.RunPython.noop),
    ]
