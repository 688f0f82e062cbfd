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
    """The version of one scope of the dose store (a table; the studies per modality type; ``*`` for
    all): a number raised in the same transaction as any change to it, by database triggers
    (:mod:`openrem.charts.versioning`)."""

    scope = models.CharField(max_length=100, unique=True)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"chart data version {self.scope}={self.version}"


class StoredChart(models.Model):
    """The aggregated numbers of one chart request, valid while the versions of the scopes it reads
    have the fingerprint ``data_version`` (:mod:`openrem.charts.results`). ``payload`` is JSON text,
    so floats come back exactly."""

    key = models.CharField(max_length=64, unique=True)
    data_version = models.CharField(max_length=64)
    payload = models.TextField()
    # the moment of the data the numbers were read from, and the sum of the scope versions then
    # (versions only grow: a higher sum is newer data; see ``results``)
    computed_at = models.DateTimeField(null=True, blank=True)
    data_seq = models.BigIntegerField(default=0)
    compute_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return f"stored chart {self.key[:12]} (data version {self.data_version[:12]})"


class RankFamily(models.Model):
    """One chart answered from the rank index (:mod:`openrem.charts.rankindex`): ``key`` is
    ``<modality>:<chart id>``; ``signature`` is the definition its rows were built with (a changed
    definition rebuilds them)."""

    key = models.CharField(max_length=200, unique=True)
    signature = models.CharField(max_length=64)
    ready = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"rank family {self.key}"


class RankEntry(models.Model):
    """One value of a rank family: the study or event ``source``, its ``series`` (hash of the family,
    category and CT acquisition type), its ``bin`` (a monotonic function of the value) and the value
    in the measure's stored unit. Written only by database triggers (PostgreSQL). The 8-byte
    columns come first, so that a row has no padding (ten million rows at a million CT studies)."""

    pk = models.CompositePrimaryKey("family", "source")
    source = models.BigIntegerField()
    series = models.BigIntegerField()
    value = models.FloatField()
    family = models.IntegerField()
    bin = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["series", "bin", "value"], name="rankentry_series_bin_value")]


class RankBin(models.Model):
    """How many values of a series lie in a bin, and their sum. Triggers only append rows (``n``
    +1 or -1), so that concurrent imports never wait for each other; the worker merges them
    (``merged``). A row appended for a new value carries the series' category and acquisition type."""

    id = models.BigAutoField(primary_key=True)
    family = models.IntegerField()
    series = models.BigIntegerField()
    bin = models.IntegerField()
    n = models.BigIntegerField()
    total = models.FloatField()
    category = models.TextField(null=True)
    acq_type = models.TextField(null=True)
    merged = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["family", "series", "bin"], name="rankbin_family_series_bin"),
                   models.Index(fields=["series", "bin"], name="rankbin_unmerged", condition=models.Q(merged=False))]
