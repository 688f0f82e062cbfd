"""URLs of the patient size import, mounted under ``ptsize/``."""

from django.urls import path

from openrem.ptsize import views

urlpatterns = [
    path("upload/", views.upload, name="ptsize_upload"),
    path("process/<int:pk>/", views.process, name="ptsize_process"),
    path("imports/", views.imports, name="ptsize_imports"),
    path("imports/<int:pk>/abort/", views.abort, name="ptsize_abort"),
    path("imports/<int:pk>/log/", views.log, name="ptsize_log"),
    path("imports/delete/", views.delete, name="ptsize_delete"),
]
