from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views, views_find, views_team, views_verify

app_name = "reports"

urlpatterns = [
    path("training/", views.my_training, name="my_training"),
    path("training/certificates/<id:entry_id>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("verify/", views_verify.verify_start, name="verify_start"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("team/", views_team.team, name="team"),
    path("team/find/", views_find.find, name="find"),
    path("team/remind/", views_team.team_remind, name="team_remind"),
    path("team/people/<id:staff_id>/", views_team.team_person, name="team_person"),
]
