from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views

app_name = "modules"

urlpatterns = [
    path("", views.module_index, name="index"),
    path("modules/<id:page_id>/scenarios/<str:block_id>/", views.scenario_choose, name="scenario_choose"),
    path("modules/<id:page_id>/quiz/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<id:attempt_id>/", views.attempt_take, name="attempt"),
    path("attempts/<id:attempt_id>/result/", views.attempt_result, name="attempt_result"),
]
