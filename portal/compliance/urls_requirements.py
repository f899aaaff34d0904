from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_requirements as views
from . import views_rounds

app_name = "requirements"

urlpatterns = [
    path("", views.requirement_list, name="list"),
    path("add/", views.requirement_add, name="add"),
    path("<id:requirement_id>/", views.requirement_edit, name="edit"),
    path("<id:requirement_id>/retire/", views.requirement_retire_view, name="retire"),
    path("<id:requirement_id>/reinstate/", views.requirement_reinstate_view, name="reinstate"),
    path("rounds/", views_rounds.round_list, name="rounds"),
    path("rounds/<id:round_id>/withdraw/", views_rounds.round_withdraw, name="round_withdraw"),
]
