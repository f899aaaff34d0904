"""The Wagtail admin's user editor and new-user form, with what the portal adds to them (the refusals are hooks, in
portal.accounts.wagtail_hooks; this is what happens when a save goes through).

- A name changed in the editor is written to the audit log, before and after and who changed it, in the transaction
  that saves it (Wagtail's `form_valid` saves in one): the name is on every report and certificate, and a change to
  it was recorded nowhere.
- An account made here has an unusable password, not an empty one: the form has no password fields
  (`WAGTAILUSERS_PASSWORD_ENABLED = False`), so the model's default, "", was saved. Django refuses "" at sign-in,
  but counts it a usable password (`has_usable_password()`), and so does allauth; "!" and random characters are
  what Django, the roster and allauth all read as "no password yet": the person sets one from the reset link.
"""

from wagtail.users.views import users

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record

NAMES = {"first_name": "first name", "last_name": "last name"}


class EditView(users.EditView):
    def save_instance(self):
        saved = type(self.object).objects.filter(pk=self.object.pk).values(*NAMES).first() or {}
        instance = super().save_instance()
        changes = {
            field: [saved.get(field, ""), getattr(instance, field)]
            for field in NAMES
            if saved.get(field, "") != getattr(instance, field)
        }
        if changes:
            said = "; ".join(f"{NAMES[field]} “{before}” → “{after}”" for field, (before, after) in changes.items())
            audit_record(
                actor=self.request.user,
                request=self.request,
                action=AuditEvent.ACCOUNT_CHANGED,
                scope=f"{instance.email}: {said}",
                account=instance.pk,
                changes=changes,
                via="CMS user editor",
            )
        return instance


class CreateView(users.CreateView):
    def save_instance(self):
        if not self.form.instance.password:
            self.form.instance.set_unusable_password()
        return super().save_instance()


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
