from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_certificates as views

app_name = "certificates"

urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("upload/", views.upload, name="upload"),
    path("<id:certificate_id>/file/", views.certificate_file, name="file"),
    path("queue/", views.queue, name="queue"),
    path("<id:certificate_id>/decide/", views.decide, name="decide"),
]
