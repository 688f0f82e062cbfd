from django.apps import AppConfig


class ChartsConfig(AppConfig):
    name = "openrem.charts"
    label = "charts"
    verbose_name = "Charts"
    default_auto_field = "django.db.models.BigAutoField"
