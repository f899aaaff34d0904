from django.db import migrations

from portal.compliance.db import drop_ledger_triggers, install_ledger_triggers


def install(apps, schema_editor):
    install_ledger_triggers(schema_editor.connection)
    apps.get_model("compliance", "LedgerHead").objects.get_or_create(pk=1, defaults={"seq": 0, "head_hash": "0" * 64})


def remove(apps, schema_editor):
    drop_ledger_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
