from django.apps import AppConfig


class ImportLogConfig(AppConfig):
    name = "openrem.importlog"
    label = "importlog"
    verbose_name = "Failed imports"
    default_auto_field = "django.db.models.BigAutoField"
