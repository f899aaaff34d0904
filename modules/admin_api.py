"""The CMS's admin API (/cms/api/main/pages/<id>/action/<name>/), with the refusals the admin's own pages make.

Wagtail's actions there call its page actions straight, round the hooks its pages run (`before_delete_page`,
`before_copy_page`) and round the page's lock its edit view honours, so a delete of a page on record reached the
database and ended in a server error (ProtectedError), a branch holding a policy was aliased whole, a policy (or a
branch holding one) was copied, published by default as a second policy with its own version 1.0, a revert saved a new
latest revision of a page locked against edits (a policy whose next version is scheduled to go live among them), and a
publish put live a draft another editor was working on under their lock. `wagtail_hooks` puts this
endpoint in place of Wagtail's.

Its copy for translation is refused outright: the portal's content is in one language (WAGTAIL_I18N_ENABLED is off,
there is no locale editor and no Translate action), yet with a second Locale row the action made a second home page,
policy or module in that locale.
"""

from django.db import transaction
from django.utils.html import strip_tags
from wagtail.admin.api.actions.copy import CopyPageAPIAction
from wagtail.admin.api.actions.copy_for_translation import CopyForTranslationAPIAction
from wagtail.admin.api.actions.create_alias import CreatePageAliasAPIAction
from wagtail.admin.api.actions.delete import DeletePageAPIAction
from wagtail.admin.api.actions.move import MovePageAPIAction
from wagtail.admin.api.actions.publish import PublishPageAPIAction
from wagtail.admin.api.actions.revert_to_page_revision import RevertToPageRevisionAPIAction
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.api.v2.utils import BadRequestError

from .aliasing import page_alias_refusal
from .copying import page_copy_refusal
from .deletion import page_deletion_refusal, page_deletion_refused_message
from .models import PolicyPage
from .privacy import move_refusal


class PermittedFirst:
    """Wagtail's own checks of the action (whether the person may do it at all) before the portal's refusals: someone
    who may not delete or alias the page gets Wagtail's 403, not the portal's reasons (which name what is recorded
    against it)."""

    def permitted(self, instance, data) -> None:
        self._action_from_data(instance, data).check()


class PageDeleteAPIAction(PermittedFirst, DeletePageAPIAction):
    def execute(self, instance, data):
        self.permitted(instance, data)
        reason = page_deletion_refusal(instance)
        if reason:
            raise BadRequestError(page_deletion_refused_message(instance, reason))
        return super().execute(instance, data)


class PageAliasAPIAction(PermittedFirst, CreatePageAliasAPIAction):
    def execute(self, instance, data):
        self.permitted(instance, data)
        refusal = page_alias_refusal(instance, recursive=data["recursive"])
        if refusal:
            raise BadRequestError(refusal)
        return super().execute(instance, data)


class PageCopyAPIAction(PermittedFirst, CopyPageAPIAction):
    """A policy, or a branch holding one copied with the pages below it, is not copied (`copying`)."""

    def execute(self, instance, data):
        self.permitted(instance, data)
        refusal = page_copy_refusal(instance, recursive=data["recursive"])
        if refusal:
            raise BadRequestError(refusal)
        return super().execute(instance, data)


class PageMoveAPIAction(MovePageAPIAction):
    """Not below a page whose privacy would keep out the staff a requirement asks to do it (`privacy`), after
    Wagtail's own check of whether the person may move it there."""

    def execute(self, instance, data):
        action = self._action_from_data(instance, data)
        as_child = action.pos in ("first-child", "last-child", "sorted-child")  # otherwise beside it, as Wagtail reads
        new_parent = action.target if as_child else action.target.get_parent()
        action.check(new_parent)
        refusal = move_refusal(instance, new_parent)
        if refusal:
            raise BadRequestError(refusal)
        return super().execute(instance, data)


def _refuse_while_locked(instance, user, outcome: str) -> None:
    """The edit view saves and publishes nothing while the page is locked for the person (a version scheduled to go
    live, a workflow's task, another editor's lock): neither do the API's actions of its kind."""
    lock = instance.specific.get_lock()
    if lock and lock.for_user(user):
        raise BadRequestError(f"{strip_tags(lock.get_message(user))} {outcome}")


class PageRevertAPIAction(RevertToPageRevisionAPIAction):
    def execute(self, instance, data):
        _refuse_while_locked(instance, self.request.user, "Nothing was saved.")
        return super().execute(instance, data)


class PagePublishAPIAction(PublishPageAPIAction):
    """Publishes the page's latest revision, as the edit view's Publish does, and refuses what it refuses: Wagtail's
    action ignored the page's lock, so a draft another editor was still working on under their lock went live, and
    a policy's revision the page listing's bulk publish refuses (`PolicyPage.publish_refusal`) was published."""

    def execute(self, instance, data):
        if instance.permissions_for_user(self.request.user).can_publish():  # otherwise Wagtail's own 403
            _refuse_while_locked(instance, self.request.user, "Nothing was published.")
            specific = instance.specific
            revision = specific.get_latest_revision()
            refusal = specific.publish_refusal(revision) if isinstance(specific, PolicyPage) and revision else ""
            if refusal:
                raise BadRequestError(f"{refusal} Nothing was published.")
        return super().execute(instance, data)


NO_TRANSLATIONS = (
    "Pages cannot be copied for translation: the portal's policy and modules are in one language, and a copy in "
    "another would be a second policy or module, taking attestations and completions of its own. Nothing was copied."
)


class PageCopyForTranslationAPIAction(CopyForTranslationAPIAction):
    """Refused for everyone, before anything is read: a copy in another locale of the policy is a policy of its own
    (its own versions, attestations and re-attestation rounds), of a module a module of its own, each unknown to the
    requirements that name the first, and of the home page a second site tree. Should the portal ever offer its
    content in more than one language, that is a design of its own (which version a person attested, in which
    language), not this action."""

    def execute(self, instance, data):
        raise BadRequestError(NO_TRANSLATIONS)


class PagesAPIViewSet(PagesAdminAPIViewSet):
    actions = {
        **PagesAdminAPIViewSet.actions,
        "delete": PageDeleteAPIAction,
        "copy": PageCopyAPIAction,
        "move": PageMoveAPIAction,
        "create_alias": PageAliasAPIAction,
        "revert_to_page_revision": PageRevertAPIAction,
        "publish": PagePublishAPIAction,
        "copy_for_translation": PageCopyForTranslationAPIAction,
    }

    def action_view(self, request, pk, action_name):
        # One transaction: an action refused part way (`PolicyPage.save` meeting a policy below a page aliased) leaves
        # none of the pages it had added.
        with transaction.atomic():
            return super().action_view(request, pk, action_name)
