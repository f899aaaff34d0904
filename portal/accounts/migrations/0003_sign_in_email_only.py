"""Remove the email addresses people added to their own accounts before the portal stopped it.

Until then, allauth's /accounts/email/ page let anyone add any address (a colleague's, a future starter's) and mark
it verified by email or primary; every visit also added an unverified copy of the sign-in address. allauth signs
people in and sends password resets by these rows, so one left behind is a way into someone else's reset email. What
stays is the one row for the address the account signs in with (`User.email`, from the roster or the identity
provider), marked verified and primary, as the roster vouches for it.
"""

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Lower


def keep_only_the_sign_in_address(apps, schema_editor):
    EmailAddress = apps.get_model("account", "EmailAddress")
    rows = EmailAddress.objects.using(schema_editor.connection.alias)
    rows.annotate(address=Lower("email"), sign_in=Lower("user__email")).exclude(address=F("sign_in")).delete()
    seen = set()
    for pk, user_id in rows.order_by("user_id", "pk").values_list("pk", "user_id"):
        if user_id in seen:
            rows.filter(pk=pk).delete()  # the same address again, in other letter case
        seen.add(user_id)
    rows.filter(primary=False).update(primary=True)
    rows.filter(verified=False).update(verified=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_session_epoch"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(keep_only_the_sign_in_address, migrations.RunPython.noop)]
