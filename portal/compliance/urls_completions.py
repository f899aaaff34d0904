from django.urls import path

from . import views_completions as views

app_name = "completions"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:batch_id>/", views.batch, name="batch"),
    path("<int:batch_id>/map/", views.map_competence, name="map"),
    path("<int:batch_id>/apply/", views.apply, name="apply"),
]
