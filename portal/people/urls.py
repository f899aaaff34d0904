from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("roster/", views.roster_upload, name="roster_upload"),
    path("roster/<int:batch_id>/", views.roster_batch, name="roster_batch"),
    path("roster/<int:batch_id>/apply/", views.roster_apply, name="roster_apply"),
]
