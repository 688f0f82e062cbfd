"""Operations: production safety, login throttling, Content-Security-Policy, health, backup and restore."""

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "openrem.ops"
    label = "ops"
    verbose_name = "Operations"
