"""App configuration of the HTTP import."""

from django.apps import AppConfig


class HttpImportConfig(AppConfig):
    """The HTTP import endpoint and its tokens."""

    name = "openrem.httpimport"
    label = "httpimport"
    verbose_name = "HTTP import (Orthanc)"
    default_auto_field = "django.db.models.BigAutoField"
