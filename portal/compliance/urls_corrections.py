from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_corrections as views

app_name = "corrections"

urlpatterns = [
    path("<id:entry_id>/void/", views.void, name="void"),
]
