from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """Exports of the dose data: CSV, XLSX and the survey formats, run as background tasks."""

    name = "openrem.exports"
    label = "exports"
    default_auto_field = "django.db.models.BigAutoField"
