"""URLs of the DICOM network page, mounted under ``dicom/`` (names start with ``dicom_``)."""

from django.urls import path

from openrem.netdicom import views

urlpatterns = [
    path("", views.network, name="dicom_network"),
    path("store/add/", views.store_add, name="dicom_store_add"),
    path("store/<int:pk>/", views.store_edit, name="dicom_store_edit"),
    path("store/<int:pk>/delete/", views.store_delete, name="dicom_store_delete"),
    path("store/<int:pk>/status/", views.store_status, name="dicom_store_status"),
    path("remote/add/", views.remote_add, name="dicom_remote_add"),
    path("remote/<int:pk>/", views.remote_edit, name="dicom_remote_edit"),
    path("remote/<int:pk>/delete/", views.remote_delete, name="dicom_remote_delete"),
    path("remote/<int:pk>/status/", views.remote_status, name="dicom_remote_status"),
]
