"""The Wagtail admin's group editor, keeping the HR group as it is.

The HR role is membership of the group named "HR" (portal.people.roles), given and taken away on the HR roles page
(portal.people.hr_roles): by another HR officer, with a reason, never from the last officer. Renaming a group to or
from that name, or deleting the HR group, gave or took the role from all its members at once, round every one of
those rules. Both are refused, saying why; the group's permissions are still edited here, and other groups renamed
and deleted as before.

Only a superuser saves a group (makes one, or changes its name or permissions), or deletes one: see
`_not_an_administrator`. Deleting a group takes its permissions, and any role they give (the CMS's is the
wagtailadmin.access_admin permission, whatever the group's name), from everyone in it at once; the deletion is in the
audit log, naming its members (`receivers.on_group_deleted`)."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail.users.views import groups

from portal.people.roles import HR_GROUP

from .cms_role_proof import ask_if_not_just_confirmed

KEPT = (
    "A group cannot be renamed to or from HR, and the HR group cannot be deleted: the HR role is membership of the "
    "group named HR, given and taken away person by person on the HR roles page (/hr/roles/), with a reason. "
    "Nothing was saved."
)


ADMINISTRATORS_ONLY = (
    "Only an Administrator can make a group or change one: a group's permissions are given to everyone in it, so "
    "whoever changed them could give themselves, through a group they are in, more than they hold. Nothing was saved."
)


DELETING_ADMINISTRATORS_ONLY = (
    "Only an Administrator can delete a group: deleting one takes its permissions, and any role it gives, from "
    "everyone in it at once. Nothing was deleted."
)


def _not_an_administrator(request) -> bool:
    """Someone who manages accounts without being a superuser gives only the groups they are in
    (wagtail_hooks.refuse_groups_the_editor_is_not_in): were they to change what a group may do, they could widen
    their own group, or make one with any permissions and give it. Saving a group is a superuser's."""
    if request.method != "POST" or request.user.is_superuser:
        return False
    messages.error(request, ADMINISTRATORS_ONLY)
    return True


class CreateView(groups.CreateView):
    def run_before_hook(self):
        if _not_an_administrator(self.request):
            return redirect("wagtailusers_groups:index")
        if self.request.method == "POST":
            ask_if_not_just_confirmed(self.request)
        return None


class EditView(groups.EditView):
    def run_before_hook(self):
        if _not_an_administrator(self.request):
            return redirect("wagtailusers_groups:edit", self.get_object().pk)
        if self.request.method != "POST":
            return None
        group = self.get_object()
        if (group.name == HR_GROUP) != ((self.request.POST.get("name") or "").strip() == HR_GROUP):
            messages.error(self.request, KEPT)
            return redirect("wagtailusers_groups:edit", group.pk)
        ask_if_not_just_confirmed(self.request)
        return None


class DeleteView(groups.DeleteView):
    def run_before_hook(self):
        # Asked (the confirmation page) or confirmed alike: a confirmation that could only be refused asks nothing.
        if not self.request.user.is_superuser:
            messages.error(self.request, DELETING_ADMINISTRATORS_ONLY)
            return redirect("wagtailusers_groups:index")
        if self.object.name != HR_GROUP:
            if self.request.method == "POST":
                ask_if_not_just_confirmed(self.request)
            return None
        messages.error(self.request, KEPT)
        return redirect("wagtailusers_groups:edit", self.object.pk)


class GroupViewSet(groups.GroupViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView
