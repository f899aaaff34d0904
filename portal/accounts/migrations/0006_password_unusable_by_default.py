"""An account's password defaults to an unusable one ("!" and random characters), not "": `User.objects.create(...)`
(the shell, a command) left "", which Django and allauth count as a usable password (see
`portal.accounts.models.unusable_password`). Accounts so made since 0005 are given an unusable one too, as 0005 did
for those the CMS had made; the person sets a password from the reset link, as before."""

from django.contrib.auth.hashers import make_password
from django.db import migrations, models

import portal.accounts.models


def empty_passwords_unusable(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    accounts = User.objects.using(schema_editor.connection.alias)
    for pk in accounts.filter(password="").values_list("pk", flat=True):
        accounts.filter(pk=pk, password="").update(password=make_password(None))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_empty_passwords_unusable")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="password",
            field=models.CharField(
                default=portal.accounts.models.unusable_password, max_length=128, verbose_name="password"
            ),
        ),
        migrations.RunPython(empty_passwords_unusable, migrations.RunPython.noop),
    ]
