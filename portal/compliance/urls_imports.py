from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_imports as views

app_name = "imports"  # under /hr/imports/

urlpatterns = [
    path("", views.index, name="index"),
    path("<id:batch_id>/", views.batch, name="batch"),
    path("<id:batch_id>/apply/", views.apply, name="apply"),
    path("<id:batch_id>/send-again/", views.send_again, name="send_again"),
    path("<id:batch_id>/to-record.csv", views.planned_csv, name="planned_csv"),
    path("<id:batch_id>/map/", views.map_competence, name="map"),
    path("<slug:kind>/", views.upload, name="upload"),
]
