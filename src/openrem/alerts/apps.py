"""Dose alerts: alert rules for every modality, their firings, e-mail and cumulative patient totals.

The check of a study is queued as a background task when the dose store sends
:data:`openrem.dose.signals.study_stored`; see :mod:`openrem.alerts.receivers`.
"""

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "openrem.alerts"
    label = "alerts"
    verbose_name = "Dose alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openrem.alerts import receivers

        receivers.connect()
