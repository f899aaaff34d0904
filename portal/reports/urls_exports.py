from django.urls import path

from portal.lib import converters  # noqa: F401  (registers <id:...>)

from . import views_exports, views_packs

app_name = "exports"

urlpatterns = [
    path("compliance.csv", views_exports.export_csv, name="csv"),
    path("compliance.xlsx", views_exports.export_xlsx, name="xlsx"),
    path("packs/new/", views_packs.pack_new, name="pack_new"),
    path("packs/<id:pack_id>/", views_packs.pack_detail, name="pack_detail"),
    path("packs/<id:pack_id>/status.json", views_packs.pack_status, name="pack_status"),
    path("packs/<id:pack_id>/again/", views_packs.pack_again, name="pack_again"),
    path("packs/<id:pack_id>/pack.pdf", views_packs.pack_pdf, name="pack_pdf"),
    path("packs/<id:pack_id>/pack.csv", views_packs.pack_csv, name="pack_csv"),
]
