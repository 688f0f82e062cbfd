from django.apps import AppConfig


class SkinMapsConfig(AppConfig):
    name = "openrem.skinmaps"
    label = "skinmaps"
    verbose_name = "Skin dose maps"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openrem.dose.signals import study_stored
        from openrem.skinmaps.services import on_study_stored

        study_stored.connect(on_study_stored, dispatch_uid="skinmaps_on_study_stored")
