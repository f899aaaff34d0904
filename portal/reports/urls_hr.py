from django.urls import path

from . import views_hr

app_name = "hr_reports"

urlpatterns = [
    path("", views_hr.organisation, name="organisation"),
]
