"""Accounts made in the Wagtail admin before its new-user form set an unusable password kept the model's default, an
empty string. Django refuses it at sign-in, but counts it a usable password (`has_usable_password()`), and so does
allauth: each is made unusable, as the roster makes its new accounts, each with its own random characters after the
"!". The person sets a password from the reset link, as before."""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def empty_passwords_unusable(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    accounts = User.objects.using(schema_editor.connection.alias)
    for pk in accounts.filter(password="").values_list("pk", flat=True):
        accounts.filter(pk=pk, password="").update(password=make_password(None))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_user_closed_by_hand")]

    operations = [migrations.RunPython(empty_passwords_unusable, migrations.RunPython.noop)]
