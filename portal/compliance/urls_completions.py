from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_completions as views

app_name = "completions"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<id:batch_id>/", views.batch, name="batch"),
    path("<id:batch_id>/map/", views.map_competence, name="map"),
    path("<id:batch_id>/apply/", views.apply, name="apply"),
]
