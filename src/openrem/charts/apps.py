from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class ChartsConfig(AppConfig):
    name = "openrem.charts"
    label = "charts"
    verbose_name = "Charts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openrem.charts.rankindex import on_pre_migrate
        from openrem.charts.versioning import on_post_migrate

        pre_migrate.connect(on_pre_migrate, sender=self, dispatch_uid="charts_rank_index_before_migrate")
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="charts_data_version_triggers")
