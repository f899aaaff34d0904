from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_pauses as views

app_name = "pauses"

urlpatterns = [
    path("<id:staff_id>/", views.pause_list, name="list"),
    path("<id:staff_id>/add/", views.pause_add, name="add"),
    path("<id:staff_id>/<slug:ref>/change/", views.pause_change, name="change"),
    path("<id:staff_id>/<slug:ref>/withdraw/", views.pause_withdraw, name="withdraw"),
]
