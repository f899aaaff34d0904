from django.db import migrations

from portal.compliance.db import install_ledger_triggers


def install(apps, schema_editor):
    # Installs the ledger's triggers again (idempotent), now with the one that keeps the head on the last entry.
    install_ledger_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0005_reminders_by_hand")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
