from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_roster as views

app_name = "people"  # the roster pages, under /hr/people/

urlpatterns = [
    path("roster/", views.roster_upload, name="roster_upload"),
    path("roster/<id:batch_id>/", views.roster_batch, name="roster_batch"),
    path("roster/<id:batch_id>/apply/", views.roster_apply, name="roster_apply"),
]
