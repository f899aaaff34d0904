from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from . import admin_api, admin_views
from .aliasing import page_alias_refusal
from .copying import page_copy_refusal
from .deletion import page_deletion_refusal, page_deletion_refused_message
from .models import ModuleCompletion, ModulePage, PolicyPage, ReviewFlag, ScenarioResponse
from .privacy import move_refusal
from .quiz_deletion import quiz_deletion_refusal
from .review import (
    held_scenarios_notice,
    review_flags_copy_to,
    review_flags_of_question_changed,
    review_flags_resolve,
)
from .unpublishing import expiry_warning, requirements_still_asking, unpublish_warning


@hooks.register("after_edit_snippet")
def question_reviewed_on_save(request, instance):
    """A question held for review and saved with its content changed is released as changed (`review`); saved with
    its content as flagged (nothing changed, unticked, moved to another bank) it stays held, and the editor is told
    how to release it."""
    if instance._meta.label != "quizzes.Question":
        return
    review_flags_resolve(flags=review_flags_of_question_changed(instance), user=request.user, resolution="changed")
    held = ReviewFlag.objects.filter(question_id=instance.pk, resolved_at__isnull=True).select_related("snapshot")
    flag = held.order_by("raised_at", "pk").first()
    if flag:
        messages.warning(
            request,
            f"Still held back from quizzes: its question and choices are as they were when version "
            f"{flag.snapshot.version_label} changed clause {flag.clause}. If it is still correct, mark it reviewed "
            "under Content to review (“Still correct: mark reviewed”); otherwise change what it asks.",
        )


@hooks.register("after_create_snippet")
def question_copied_while_held(request, instance):
    """A question added as a copy of one held for review, its content unchanged, is held too (`review`)."""
    if instance._meta.label != "quizzes.Question":
        return
    flags = review_flags_copy_to(instance)
    if flags:
        messages.warning(
            request,
            f"Held back from quizzes: it asks what a question held for review asks, since version "
            f"{flags[0].snapshot.version_label} changed clause {flags[0].clause}. Change what it asks, or mark it "
            "reviewed under Content to review (“Still correct: mark reviewed”) if it is still correct.",
        )


@hooks.register("before_delete_snippet")
def refuse_deleting_a_quiz_or_bank_in_use(request, instances):
    """A quiz's or question bank's own delete (before its confirmation is shown) and the listing's bulk delete:
    refused as a whole, naming each one chosen that attempts, questions or a module hold (`quiz_deletion`)."""
    refusals = [refusal for refusal in map(quiz_deletion_refusal, instances) if refusal]
    if not refusals:
        return None
    for refusal in refusals:
        messages.error(request, f"{refusal}.")
    if len(instances) == 1:
        snippet = instances[0]
        return redirect(f"wagtailsnippets_{snippet._meta.app_label}_{snippet._meta.model_name}:edit", snippet.pk)
    model = instances[0]._meta
    return redirect(f"wagtailsnippets_{model.app_label}_{model.model_name}:list")


@hooks.register("before_copy_page")
def refuse_alias_of_a_policy_or_module(request, page):
    """The copy page's "alias" option, for a policy or a module or, with the pages below, a branch holding one
    (`aliasing.page_alias_refusal`)."""
    if request.method != "POST" or not request.POST.get("alias"):
        return None
    refusal = page_alias_refusal(page, recursive=bool(request.POST.get("copy_subpages")))
    if not refusal:
        return None
    messages.error(request, refusal)
    return redirect(request.get_full_path())


@hooks.register("before_copy_page")
def refuse_copying_a_policy(request, page):
    """The copy page of a policy, refused as it is opened (the editor is sent to the policy's edit page, where its next
    version goes), and a copy with the pages below of a branch holding one, refused as it is sent
    (`copying.page_copy_refusal`). Its alias option is `refuse_alias_of_a_policy_or_module`'s."""
    if request.method == "POST" and request.POST.get("alias"):
        return None
    recursive = request.method == "POST" and bool(request.POST.get("copy_subpages"))
    refusal = page_copy_refusal(page, recursive=recursive)
    if not refusal:
        return None
    messages.error(request, refusal)
    if PolicyPage.objects.filter(pk=page.pk).exists():
        return redirect("wagtailadmin_pages:edit", page.pk)
    return redirect(request.get_full_path())


@hooks.register("before_delete_page")
def refuse_deleting_a_page_on_record(request, page):
    """The page's own delete (asked and confirmed): refused when evidence or a requirement names it or a page below
    it (`deletion.page_deletion_refusal`), before the confirmation is shown."""
    reason = page_deletion_refusal(page)
    if reason:
        messages.error(request, page_deletion_refused_message(page, reason))
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_pages_on_record(request, action_type, objects, action_class_instance):
    """The page listing's bulk delete: refused as a whole, naming each page chosen that is on record."""
    if action_type != "delete" or getattr(action_class_instance, "model", None) is not Page:
        return None
    refusals = [(page, page_deletion_refusal(page)) for page in objects]
    refusals = [(page, reason) for page, reason in refusals if reason]
    if not refusals:
        return None
    for page, reason in refusals:
        messages.error(request, page_deletion_refused_message(page, reason))
    return redirect(action_class_instance.next_url)


@hooks.register("before_move_page")
def refuse_moving_a_page_asked_for_below_a_private_one(request, page, destination):
    """The move page (its confirmation, asked and sent): refused when the new parent's privacy would keep out the
    staff a requirement asks to do the page or a page below it (`privacy.move_refusal`)."""
    refusal = move_refusal(page, destination)
    if not refusal:
        return None
    messages.error(request, refusal)
    return redirect("wagtailadmin_pages:move", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_moving_pages_asked_for_below_a_private_one(request, action_type, objects, action_class_instance):
    """The page listing's bulk move: refused as a whole, naming each page chosen that the same refusal holds."""
    if action_type != "move" or getattr(action_class_instance, "model", None) is not Page:
        return None
    destination = action_class_instance.cleaned_form.cleaned_data["chooser"]
    refusals = [refusal for refusal in (move_refusal(page, destination) for page in objects) if refusal]
    if not refusals:
        return None
    for refusal in refusals:
        messages.error(request, refusal)
    return redirect(action_class_instance.next_url)


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_a_policy_not_ready(request, action_type, objects, action_class_instance):
    """The page listing's bulk publish, which publishes each page's latest revision (and, if asked, the pages below
    not yet live) without the edit form: refused as a whole, naming each policy whose revision cannot be published
    as it stands (`PolicyPage.publish_refusal`)."""
    if action_type != "publish" or getattr(action_class_instance, "model", None) is not Page:
        return None
    chosen = PolicyPage.objects.filter(pk__in=[page.pk for page in objects])
    if action_class_instance.cleaned_form.cleaned_data.get("include_descendants"):
        for page in objects:
            chosen |= PolicyPage.objects.descendant_of(page).not_live()
    refusals = []
    for policy in chosen.order_by("path"):
        revision = policy.get_latest_revision()
        refusal = policy.publish_refusal(revision) if revision else ""
        if refusal:
            refusals.append(f"“{policy.title}” was not published: {refusal}")
    if not refusals:
        return None
    for refusal in refusals:
        messages.error(request, refusal)
    return redirect(action_class_instance.next_url)


@hooks.register("after_publish_page")
def warn_of_scenarios_held_on_a_module_published(request, page):
    """Beside "Page published": the module's scenarios held back from staff for review, among them any it was
    published with that teach content a material change held (a revision from before the change, restored:
    `review.review_flags_copy_scenarios`)."""
    page = page.specific
    notice = held_scenarios_notice(page) if isinstance(page, ModulePage) else ""
    if notice:
        messages.warning(request, notice)


@hooks.register("after_edit_page")
def warn_of_requirements_on_a_page_set_to_expire(request, page):
    """Beside the page saved or published with an expiry date (the edit page's "Set schedule"): the requirements that
    will still ask staff to do what it holds once `publish_scheduled` has taken it off the site."""
    warning = expiry_warning(page)
    if warning:
        messages.warning(request, warning)


@hooks.register("after_unpublish_page")
def warn_of_requirements_on_a_page_unpublished(request, page):
    """Beside "Page unpublished": the requirements that still ask staff to do what it (and the pages below it, if
    they went too) held."""
    requirements = requirements_still_asking([page])
    if requirements:
        messages.warning(request, unpublish_warning(requirements))


@hooks.register("after_bulk_action")
def warn_of_requirements_on_pages_unpublished(request, action_type, objects, action_class_instance):
    """The same, after the page listing's bulk unpublish."""
    if action_type == "unpublish" and getattr(action_class_instance, "model", None) is Page:
        requirements = requirements_still_asking(objects)
        if requirements:
            messages.warning(request, unpublish_warning(requirements))


@hooks.register("register_account_records")
def module_records_name_an_account():
    """What a person did in a module holds their account (`portal.accounts.deletion`)."""
    return [
        ("module completions", ModuleCompletion.objects.all(), "user"),
        ("scenario answers", ScenarioResponse.objects.all(), "user"),
    ]


@hooks.register("construct_admin_api")
def admin_api_with_refusals(router):
    """The admin API's page actions refuse what the admin's pages refuse (`admin_api`)."""
    router.register_endpoint("pages", admin_api.PagesAPIViewSet)


@hooks.register("register_admin_urls")
def review_urls():
    return [
        path("content-to-review/", admin_views.review_list, name="modules_review_list"),
        path("content-to-review/<int:flag_id>/confirm/", admin_views.review_confirm, name="modules_review_confirm"),
    ]


@hooks.register("register_admin_menu_item")
def review_menu_item():
    return MenuItem("Content to review", reverse("modules_review_list"), icon_name="warning", order=250)


class PoliciesPastReviewPanel(Component):
    """On the CMS dashboard: published policies past their next review date, with a link to edit each."""

    name = "policies_past_review"
    template_name = "modules/admin/policies_past_review_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["policies"] = PolicyPage.objects.live().filter(next_review_date__lt=timezone.localdate())
        return context


@hooks.register("construct_homepage_panels")
def policies_past_review_panel(request, panels):
    if PolicyPage.objects.live().filter(next_review_date__lt=timezone.localdate()).exists():
        panels.append(PoliciesPastReviewPanel())


@hooks.register("before_edit_page")
def policy_review_overdue_warning(request, page):
    page = page.specific
    if request.method == "GET" and isinstance(page, PolicyPage) and page.review_overdue():
        messages.warning(
            request, f"Review overdue since {page.next_review_date:%-d %B %Y}: review the policy and set the next date."
        )


@hooks.register("before_edit_page")
def policy_scheduled_version_notice(request, page):
    """Wagtail locks a page while a revision is scheduled to go live, saying when; this names the version and says
    how to publish another (`PolicyPage.publish`): on opening the page, and on a publish sent from a page opened
    before the version was scheduled, which Wagtail's lock refuses."""
    page = page.specific
    if not isinstance(page, PolicyPage):
        return
    notice = page.scheduled_version_notice()
    if notice and request.method == "GET":
        messages.warning(request, notice)
    elif notice and "action-publish" in request.POST:
        messages.error(request, notice)
