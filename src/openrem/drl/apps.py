from django.apps import AppConfig


class DrlConfig(AppConfig):
    name = "openrem.drl"
    label = "drl"
    verbose_name = "Diagnostic reference levels"
    default_auto_field = "django.db.models.BigAutoField"
