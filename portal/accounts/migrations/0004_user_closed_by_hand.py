"""Accounts carry whether they were closed by hand, so that a roster bringing the person back leaves them closed.

Until now the roster found out from the audit log: an account was closed by hand when the last entry about its sign-in
email changing `is_active` ("sam@x: is_active now False", written by the user editor's save) was a closing. This
fills the new field from the log in exactly that way, as well as the log can tell: an account whose sign-in email
changed after it was closed by hand cannot be matched to its entries, and is left unmarked, as the old reading left
it. Only accounts closed now are marked.
"""

from django.db import migrations, models


def mark_accounts_closed_by_hand(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    closed = set(User.objects.using(db).filter(is_active=False).values_list("email", flat=True))
    if not closed:
        return
    last_was_closing = {}
    entries = (
        AuditEvent.objects.using(db)
        .filter(action="role_changed", scope__contains="is_active now")
        .order_by("at", "pk")
        .values_list("scope", flat=True)
    )
    for scope in entries.iterator(chunk_size=2000):
        email, _, change = scope.partition(": ")
        if email in closed:
            last_was_closing[email] = "is_active now False" in change
    by_hand = sorted(email for email, closing in last_was_closing.items() if closing)
    for start in range(0, len(by_hand), 500):  # SQLite allows only so many parameters in one statement
        User.objects.using(db).filter(email__in=by_hand[start : start + 500], is_active=False).update(
            closed_by_hand=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sign_in_email_only"),
        ("audit", "0007_organisation_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="closed_by_hand",
            field=models.BooleanField(
                default=False,
                help_text="Closed by a person (the user editor, the user list's active state, a command), not by the "
                "roster at a leave date: a roster that brings them back leaves it closed. Cleared when it is opened "
                "again by hand.",
            ),
        ),
        migrations.RunPython(mark_accounts_closed_by_hand, migrations.RunPython.noop),
    ]
