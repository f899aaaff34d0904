"""The Wagtail admin's new-user form, with what the portal adds to it (the refusals are hooks, in
portal.accounts.wagtail_hooks; a name changed in the user editor is audited by receivers.on_account_saved, as any
door's is).

An account made here has an unusable password, not an empty one: the form has no password fields
(`WAGTAILUSERS_PASSWORD_ENABLED = False`), so the model's default, "", was saved. Django refuses "" at sign-in, but
counts it a usable password (`has_usable_password()`), and so does allauth; "!" and random characters are what
Django, the roster and allauth all read as "no password yet": the person sets one from the reset link.

Its work email is kept in lower case, as every other door keeps it (the roster, `createsuperuser`): saved as typed
("Chris.Lee@..."), the roster's first row for that person found no account with their address in its own letters
and refused the row as "how another account signs in", instead of making the account theirs.

There is no "copy a user" page (/cms/users/copy/<id>/): Wagtail's generic copy view fills its form with the account
being copied itself, so a POST there saved over that account, round every refusal of the user editor and of this
form (a sign-in email changed, the HR group or the Administrator box given, by someone who may only add accounts).
"""

from wagtail.users.views import users


class CreateView(users.CreateView):
    def save_instance(self):
        self.form.instance.email = self.form.instance.email.strip().lower()
        if not self.form.instance.password:
            self.form.instance.set_unusable_password()
        return super().save_instance()


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    copy_view_enabled = False
