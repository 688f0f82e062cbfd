"""URLs of the exports (mounted under ``export/``; see :mod:`openrem.exports.views`)."""

from django.urls import path

from openrem.exports import views

urlpatterns = [
    path("", views.exports_page, name="exports"),
    path("table/", views.exports_table, name="exports_table"),
    path("start/<slug:modality>/<slug:fmt>/", views.start, name="export_start"),
    path("start/<slug:modality>/<slug:fmt>/pid/<slug:variant>/", views.start_pid, name="export_start_pid"),
    path("openskin/<int:pk>/", views.start_openskin, name="export_openskin"),
    path("<int:pk>/download/", views.download, name="export_download"),
    path("<int:pk>/abort/", views.abort, name="export_abort"),
    path("<int:pk>/remove/", views.remove, name="export_remove"),
    path("<int:pk>/delete/", views.delete, name="export_delete"),
]
