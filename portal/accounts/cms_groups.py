"""The Wagtail admin's group editor, keeping the HR group as it is.

The HR role is membership of the group named "HR" (portal.people.roles), given and taken away on the HR roles page
(portal.people.hr_roles): by another HR officer, with a reason, never from the last officer. Renaming a group to or
from that name, or deleting the HR group, gave or took the role from all its members at once, round every one of
those rules. Both are refused, saying why; the group's permissions are still edited here, and other groups renamed
and deleted as before."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail.users.views import groups

from portal.people.roles import HR_GROUP

KEPT = (
    "A group cannot be renamed to or from HR, and the HR group cannot be deleted: the HR role is membership of the "
    "group named HR, given and taken away person by person on the HR roles page (/hr/roles/), with a reason. "
    "Nothing was saved."
)


class EditView(groups.EditView):
    def run_before_hook(self):
        if self.request.method != "POST":
            return None
        group = self.get_object()
        if (group.name == HR_GROUP) == ((self.request.POST.get("name") or "").strip() == HR_GROUP):
            return None
        messages.error(self.request, KEPT)
        return redirect("wagtailusers_groups:edit", group.pk)


class DeleteView(groups.DeleteView):
    def run_before_hook(self):
        if self.object.name != HR_GROUP:
            return None
        messages.error(self.request, KEPT)
        return redirect("wagtailusers_groups:edit", self.object.pk)


class GroupViewSet(groups.GroupViewSet):
    edit_view_class = EditView
    delete_view_class = DeleteView
