"""Per-user chart options, stored as one validated JSON document (see :mod:`openrem.charts.options`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ChartPreferences(models.Model):
    """The chart options of one user; ``options`` is always written through ``options.save_options``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chart_preferences")
    options = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"chart options of user {self.user_id}"
