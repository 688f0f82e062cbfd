"""Patient size import: heights and weights from a CSV file, matched by accession number or Study UID
(spec: "Adding patient size information from csv")."""

from django.apps import AppConfig


class PtsizeConfig(AppConfig):
    name = "openrem.ptsize"
    label = "ptsize"
    verbose_name = "Patient size import"
    default_auto_field = "django.db.models.BigAutoField"
