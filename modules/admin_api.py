"""The CMS's admin API (/cms/api/main/pages/<id>/action/<name>/), with the refusals the admin's own pages make.

Wagtail's actions there call its page actions straight, round the hooks its pages run (`before_delete_page`,
`before_copy_page`), so a delete of a page on record reached the database and ended in a server error
(ProtectedError), and a branch holding a policy was aliased whole. `wagtail_hooks` puts this endpoint in place of
Wagtail's.
"""

from django.db import transaction
from wagtail.admin.api.actions.create_alias import CreatePageAliasAPIAction
from wagtail.admin.api.actions.delete import DeletePageAPIAction
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.api.v2.utils import BadRequestError

from .aliasing import page_alias_refusal
from .deletion import page_deletion_refusal, page_deletion_refused_message


class PageDeleteAPIAction(DeletePageAPIAction):
    def execute(self, instance, data):
        reason = page_deletion_refusal(instance)
        if reason:
            raise BadRequestError(page_deletion_refused_message(instance, reason))
        return super().execute(instance, data)


class PageAliasAPIAction(CreatePageAliasAPIAction):
    def execute(self, instance, data):
        refusal = page_alias_refusal(instance, recursive=data["recursive"])
        if refusal:
            raise BadRequestError(refusal)
        return super().execute(instance, data)


class PagesAPIViewSet(PagesAdminAPIViewSet):
    actions = {**PagesAdminAPIViewSet.actions, "delete": PageDeleteAPIAction, "create_alias": PageAliasAPIAction}

    def action_view(self, request, pk, action_name):
        # One transaction: an action refused part way (`PolicyPage.save` meeting a policy below a page aliased, as
        # copying for translation might) leaves none of the pages it had added.
        with transaction.atomic():
            return super().action_view(request, pk, action_name)
