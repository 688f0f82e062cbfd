"""Chart option pages (mounted at /charts/)."""

from django.urls import path

from openrem.charts import views

urlpatterns = [
    path("options/", views.options_page, name="chart_options"),
    path("options/<slug:slug>/", views.options_modality, name="chart_options_modality"),
]
