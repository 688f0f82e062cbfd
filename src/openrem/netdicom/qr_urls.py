"""URLs of the query-retrieve pages, mounted under ``dicom/`` (names start with ``dicom_query``)."""

from django.urls import path

from openrem.netdicom import qr_views

urlpatterns = [
    path("query/", qr_views.query_page, name="dicom_query"),
    path("queries/", qr_views.query_list, name="dicom_query_list"),
    path("queries/delete/", qr_views.query_delete, name="dicom_query_delete"),
    path("queries/<int:pk>/", qr_views.query_detail, name="dicom_query_detail"),
    path("queries/<int:pk>/status/", qr_views.query_status, name="dicom_query_status"),
    path("queries/<int:pk>/move/", qr_views.query_move, name="dicom_query_move"),
    path("queries/study/<int:pk>/", qr_views.query_study, name="dicom_query_study"),
]
