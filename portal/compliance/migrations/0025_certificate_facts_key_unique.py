"""Every certificate has its facts' key now (0024): one certificate for each set of facts an entry was issued with.
A migration of its own: PostgreSQL alters no table in the transaction that wrote its rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("compliance", "0024_certificate_facts_as_issued")]

    operations = [
        migrations.AlterField(
            model_name="verificationcode",
            name="facts_key",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
