from django.db import migrations

from portal.audit.db import drop_audit_triggers, install_audit_triggers


def install(apps, schema_editor):
    install_audit_triggers(schema_editor.connection)


def remove(apps, schema_editor):
    drop_audit_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_refused_and_certificate_views")]

    operations = [migrations.RunPython(install, remove)]
