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


class ChartDataVersion(models.Model):
    """One row (``id`` 1): a number that changes in the same transaction as any change to the stored
    studies (database triggers on every table of the dose store, :mod:`openrem.charts.versioning`)."""

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)  # set by the same triggers

    def __str__(self) -> str:
        return f"chart data version {self.version}"


class StoredChart(models.Model):
    """The aggregated numbers of one chart request, valid while the data version is ``data_version``
    (:mod:`openrem.charts.results`). ``payload`` is JSON text, so floats come back exactly."""

    key = models.CharField(max_length=64, unique=True)
    data_version = models.BigIntegerField(db_index=True)
    payload = models.TextField()
    compute_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"stored chart {self.key[:12]} (data version {self.data_version})"
