from django.urls import path

from . import views

app_name = "modules"

urlpatterns = [
    path("", views.my_training, name="my_training"),
    path("modules/<int:page_id>/scenarios/<str:block_id>/", views.scenario_choose, name="scenario_choose"),
    path("modules/<int:page_id>/quiz/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<int:attempt_id>/", views.attempt_take, name="attempt"),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="attempt_result"),
]
