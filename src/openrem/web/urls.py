"""URLs of the web interface (mounted at the site root)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from openrem.charts import api as charts_api
from openrem.httpimport.views import import_orthanc
from openrem.web import api
from openrem.web.views import api_docs, detail, home, manage, patient_dose, studies, upload

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(template_name="web/password_change.html"),
         name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(template_name="web/password_done.html"),
         name="password_change_done"),
    path("study/<int:pk>/delete/", manage.study_delete, name="study_delete"),
    path("import/", upload.import_upload, name="import_upload"),
    path("api/modalities/", api.modalities, name="api_modalities"),
    path("api/openapi.json", api.openapi, name="api_openapi"),
    path("api/charts/<slug:slug>/", charts_api.chart_list, name="api_chart_list"),
    path("api/charts/<slug:slug>/<slug:chart_id>/", charts_api.chart_detail, name="api_chart_data"),
    path("charts/", include("openrem.charts.urls")),
    path("help/api/", api_docs.api_docs, name="api_docs"),
    path("api/<slug:slug>/studies/", api.study_list, name="api_study_list"),
    path("api/<slug:slug>/studies/<int:pk>/", api.study_detail, name="api_study_detail"),
    path("config/", include("openrem.web.config_urls")),
    path("dicom/", include("openrem.netdicom.network_urls")),
    path("dicom/", include("openrem.netdicom.qr_urls")),  # query-retrieve
    path("tasks/", include("openrem.web.tasks_urls")),
    path("dose/patients/", patient_dose.patient_dose, name="patient_dose"),
    # token-authenticated, no session (docs/orthanc.md)
    path("import/orthanc/", import_orthanc, name="import_orthanc"),
    path("<slug:slug>/", studies.study_list, name="study_list"),
    path("<slug:slug>/columns/", studies.list_preferences, name="study_list_columns"),
    path("<slug:slug>/<int:pk>/", detail.study_detail, name="study_detail"),
]
