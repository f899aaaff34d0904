from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .models import ReviewFlag
from .review import review_flags_resolve


@hooks.register("after_edit_snippet")
def question_reviewed_on_save(request, instance):
    if instance._meta.label == "quizzes.Question":
        review_flags_resolve(
            flags=ReviewFlag.objects.filter(question=instance), user=request.user, resolution="changed"
        )


@hooks.register("register_admin_urls")
def review_urls():
    return [
        path("content-to-review/", admin_views.review_list, name="modules_review_list"),
        path("content-to-review/<int:flag_id>/confirm/", admin_views.review_confirm, name="modules_review_confirm"),
    ]


@hooks.register("register_admin_menu_item")
def review_menu_item():
    return MenuItem("Content to review", reverse("modules_review_list"), icon_name="warning", order=250)
