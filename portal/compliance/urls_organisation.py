from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_organisation as views

app_name = "organisation"  # the team tree and its managers, under /hr/organisation/

urlpatterns = [
    path("", views.teams, name="teams"),
    path("add/", views.team_add, name="team_add"),
    path("<id:team_id>/", views.team, name="team"),
    path("<id:team_id>/rename/", views.team_rename, name="team_rename"),
    path("<id:team_id>/move/", views.team_move, name="team_move"),
    path("<id:team_id>/close/", views.team_close, name="team_close"),
    path("<id:team_id>/managers/add/", views.manager_add, name="manager_add"),
    path("managers/<id:manager_id>/end/", views.manager_end, name="manager_end"),
]
