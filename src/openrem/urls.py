"""URL configuration: the web interface at the root, Django admin under /admin/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("export/", include("openrem.exports.urls")),
    path("", include("openrem.web.urls")),
]
