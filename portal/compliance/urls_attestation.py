from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_attestation as views

app_name = "attestation"

urlpatterns = [
    path("", views.attest_list, name="list"),
    path("<id:requirement_id>/", views.attest, name="attest"),
    path("done/<id:entry_id>/", views.attest_done, name="done"),
]
