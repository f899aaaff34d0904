"""The CMS's admin API (/cms/api/main/pages/<id>/action/<name>/), with the refusals the admin's own pages make.

Wagtail's actions there call its page actions straight, round the hooks its pages run (`before_delete_page`), so a
delete of a page on record reached the database and ended in a server error (ProtectedError). `wagtail_hooks`
puts this endpoint in place of Wagtail's.
"""

from wagtail.admin.api.actions.delete import DeletePageAPIAction
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.api.v2.utils import BadRequestError

from .deletion import page_deletion_refusal, page_deletion_refused_message


class PageDeleteAPIAction(DeletePageAPIAction):
    def execute(self, instance, data):
        reason = page_deletion_refusal(instance)
        if reason:
            raise BadRequestError(page_deletion_refused_message(instance, reason))
        return super().execute(instance, data)


class PagesAPIViewSet(PagesAdminAPIViewSet):
    actions = {**PagesAdminAPIViewSet.actions, "delete": PageDeleteAPIAction}
