from django.apps import AppConfig


class NetdicomConfig(AppConfig):
    name = "openrem.netdicom"
    label = "netdicom"
    verbose_name = "DICOM networking"
    default_auto_field = "django.db.models.BigAutoField"
