from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_roles as views

app_name = "hr_roles"  # who holds the HR role, under /hr/roles/

urlpatterns = [
    path("", views.hr_roles, name="list"),
    path("<id:user_id>/remove/", views.hr_role_end, name="remove"),
]
