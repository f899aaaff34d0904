from collections import defaultdict

from django.db import migrations, models


def refuse_reused_version_labels(apps, schema_editor):
    """A database where a policy already froze two versions under one number (before the policy page refused it)
    stops here with the versions named, rather than failing on the constraint with no word of which. The snapshots
    are evidence: which of the two is to be renumbered, and what reports then say, is for a person to decide."""
    PolicySnapshot = apps.get_model("compliance", "PolicySnapshot")
    by_version = defaultdict(list)
    for pk, page_id, label in PolicySnapshot.objects.order_by("pk").values_list("pk", "page_id", "version_label"):
        by_version[(page_id, label)].append(str(pk))
    reused = [
        f"page {page_id}, version {label} (snapshots {', '.join(pks)})"
        for (page_id, label), pks in by_version.items()
        if len(pks) > 1
    ]
    if reused:
        raise RuntimeError(
            f"Policy versions share a number: {'; '.join(reused)}. Give each later snapshot a number of its own "
            "(compliance_policysnapshot.version_label), then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0014_certificate_withdrawn"),
    ]

    operations = [
        migrations.RunPython(refuse_reused_version_labels, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="policysnapshot",
            constraint=models.UniqueConstraint(fields=("page", "version_label"), name="one_snapshot_per_version_label"),
        ),
    ]
