from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "openrem.jobs"
    label = "jobs"
    verbose_name = "Background tasks"
    default_auto_field = "django.db.models.BigAutoField"
