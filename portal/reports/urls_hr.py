from django.urls import path

from . import views_hr

app_name = "hr_reports"

urlpatterns = [
    path("", views_hr.organisation, name="organisation"),
    path("trend/", views_hr.trend, name="trend"),
    path("lists/", views_hr.lists, name="lists"),
    path("lists/<slug:name>.csv", views_hr.list_csv, name="list_csv"),
    path("audit/", views_hr.audit_log, name="audit_log"),
]
