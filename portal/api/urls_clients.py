from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_clients as views

app_name = "api_clients"  # HR's pages for the systems that call the API, under /hr/api-clients/

urlpatterns = [
    path("", views.client_list, name="list"),
    path("<id:client_id>/", views.client_detail, name="detail"),
    path("<id:client_id>/rotate/", views.client_rotate, name="rotate"),
    path("<id:client_id>/revoke/", views.client_revoke, name="revoke"),
]
