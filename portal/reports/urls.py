from django.urls import path

from . import views, views_team

app_name = "reports"

urlpatterns = [
    path("training/", views.my_training, name="my_training"),
    path("training/certificates/<int:entry_id>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("team/", views_team.team, name="team"),
    path("team/remind/", views_team.team_remind, name="team_remind"),
    path("team/people/<int:staff_id>/", views_team.team_person, name="team_person"),
]
