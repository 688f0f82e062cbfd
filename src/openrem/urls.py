"""URL configuration: the web interface at the root (or under ``VIRTUAL_DIRECTORY``), Django admin
under ``admin/``, the health report at ``health``."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from openrem.ops.health import health

_site: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("drl/", include("openrem.drl.urls")),
    path("export/", include("openrem.exports.urls")),
    path("health", health, name="health"),
    path("skinmap/", include("openrem.skinmaps.urls")),
    path("alerts/", include("openrem.alerts.urls")),
    path("ptsize/", include("openrem.ptsize.urls")),
    path("", include("openrem.web.urls")),
]
urlpatterns = [path(settings.VIRTUAL_DIRECTORY, include(_site))] if settings.VIRTUAL_DIRECTORY else _site

handler403 = "openrem.web.views.errors.permission_denied"
handler404 = "openrem.web.views.errors.page_not_found"
handler500 = "openrem.web.views.errors.server_error"
