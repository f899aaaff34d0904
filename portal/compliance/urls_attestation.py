from django.urls import path

from . import views_attestation as views

app_name = "attestation"

urlpatterns = [
    path("", views.attest_list, name="list"),
    path("<int:requirement_id>/", views.attest, name="attest"),
    path("done/<int:entry_id>/", views.attest_done, name="done"),
]
