from django.apps import AppConfig


class DoseConfig(AppConfig):
    name = "openrem.dose"
    label = "dose"
    verbose_name = "Dose store"
    default_auto_field = "django.db.models.BigAutoField"
