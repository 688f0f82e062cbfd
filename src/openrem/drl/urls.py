"""URLs of the DRL pages (mounted at /drl/)."""

from django.urls import path

from openrem.drl import views

urlpatterns = [
    path("compare/", views.drl_compare, name="drl_compare"),
    path("compare/export/", views.drl_export_local, name="drl_export_local"),
]
