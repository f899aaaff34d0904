from django.urls import path

from . import views_certificates as views

app_name = "certificates"

urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("upload/", views.upload, name="upload"),
    path("<int:certificate_id>/file/", views.certificate_file, name="file"),
    path("queue/", views.queue, name="queue"),
    path("<int:certificate_id>/decide/", views.decide, name="decide"),
]
