"""URLs of the skin dose map pages (mounted at /skinmap/)."""

from django.urls import path

from openrem.skinmaps import views

urlpatterns = [
    path("safelist/", views.safelist, name="skinmap_safelist"),
    path("study/<int:pk>/", views.skin_map_data, name="skinmap_data"),
    path("study/<int:pk>/recalculate/", views.skin_map_recalculate, name="skinmap_recalculate"),
]
