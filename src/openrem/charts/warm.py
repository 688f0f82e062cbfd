"""Chart numbers computed ahead of the first view.

A stored chart result (:mod:`openrem.charts.results`) serves every request after the first one
following a change of what the chart reads; that first one computes, which takes seconds over a
million studies. The worker computes ahead the charts a user sees first when opening a modality
page (no list filter; the default chart options and every distinct set of options saved by a user
active in the last 30 days), so that this first view is served from the store too.

When a chart whose stored numbers are not current is computed again, with ``CHART_PRECOMPUTE_QUIET_S``
seconds (``quiet``) as the pace:

* **PostgreSQL**: once its stored numbers are older than ``quiet`` (or there are none). A chart is
  computed in one snapshot of the database, so its numbers can be stored while imports go on; under
  a steady stream of imports each chart is computed at most once per ``quiet``.
* **SQLite**: once nothing it reads has changed for ``quiet`` (no import, deletion or edit; an
  import of radiographs does not hold back the CT charts): a result computed while its data changes
  could not be stored.

Settings (``docs/tasks.md``): ``CHART_PRECOMPUTE`` (default on), ``CHART_PRECOMPUTE_QUIET_S``
(default 120), ``CHART_PRECOMPUTE_PARALLEL`` (charts computed at a time, default 2).
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from openrem.charts import results, versioning
from openrem.charts.compute import chart_data, chart_request
from openrem.charts.options import ChartOptions, from_json
from openrem.dose.models import Study
from openrem.modalities.base import Modality
from openrem.modalities.chartdefs import Chart
from openrem.modalities.registry import MODALITIES
from openrem.web.filtering import filtered_studies

log = logging.getLogger("openrem.charts")

DEFAULT_QUIET_S = 120
DEFAULT_PARALLEL = 2
ACTIVE_USER_DAYS = 30  # saved options of users not seen for longer are not computed ahead


@dataclass
class WarmReport:
    """What one precomputation did."""

    charts: int = 0  # computed, or found stored
    waiting: int = 0  # not computed: changed within the quiet period (SQLite) or stored within it (PostgreSQL)
    seconds: float = 0.0
    skipped: str = ""  # why nothing was computed
    modalities: list[str] = field(default_factory=list)


def option_sets() -> list[ChartOptions]:
    """The default chart options and each distinct set saved by a user with charts on who logged in
    within the last ``ACTIVE_USER_DAYS`` days."""
    from openrem.charts.models import ChartPreferences

    found = {json.dumps(ChartOptions().to_json(), sort_keys=True): ChartOptions()}
    since = timezone.now() - timedelta(days=ACTIVE_USER_DAYS)
    saved = ChartPreferences.objects.filter(user__is_active=True, user__last_login__gte=since)
    for raw in saved.values_list("options", flat=True).iterator():
        options = from_json(raw)
        if options.enabled:
            found.setdefault(json.dumps(options.to_json(), sort_keys=True), options)
    return list(found.values())


def precompute(using: str = "default", *, quiet_s: float | None = None) -> WarmReport:
    """Compute the first-view charts of every modality with studies that are due (see the module;
    ``quiet_s`` defaults to the setting)."""
    quiet = float(getattr(settings, "CHART_PRECOMPUTE_QUIET_S", DEFAULT_QUIET_S)) if quiet_s is None else quiet_s
    report = WarmReport()
    if versioning.fingerprint([versioning.GLOBAL], using) is None:
        report.skipped = "no data version"
        return report
    start = time.perf_counter()
    settled = timezone.now() - timedelta(seconds=quiet)
    due = []
    for modality in MODALITIES.values():
        studies = filtered_studies(modality, AnonymousUser(), {})[0].using(using)
        if not studies.exists():
            continue
        for options in option_sets():
            for chart_id in options.for_modality(modality).charts:
                chart = modality.chart(chart_id)
                if chart is not None and _due(modality, chart, studies, options, settled):
                    due.append((modality, chart, studies, options))
                    if modality.slug not in report.modalities:
                        report.modalities.append(modality.slug)
                elif chart is not None:
                    report.waiting += 1
    report.charts = _compute(due, using)
    report.seconds = time.perf_counter() - start
    return report


def _compute(due: list[tuple[Modality, Chart, QuerySet[Study], ChartOptions]], using: str) -> int:
    """Compute ``due``, ``CHART_PRECOMPUTE_PARALLEL`` charts at a time (each on a connection of its
    own: an aggregation over a large database keeps one database core busy)."""
    width = max(1, int(getattr(settings, "CHART_PRECOMPUTE_PARALLEL", DEFAULT_PARALLEL)))
    if width == 1 or len(due) < 2:
        for item in due:
            chart_data(*item)
        return len(due)

    def one(item: tuple[Modality, Chart, QuerySet[Study], ChartOptions]) -> None:
        try:
            chart_data(*item)
        finally:
            connections[using].close()

    with ThreadPoolExecutor(max_workers=width, thread_name_prefix="chart-precompute") as pool:
        for future in [pool.submit(one, item) for item in due]:
            future.result()  # the first failure is raised (after the others ran)
    return len(due)


def _due(modality: Modality, chart: Chart, studies: QuerySet[Study], options: ChartOptions,
         settled: datetime) -> bool:
    """Whether ``chart`` is computed now (a current stored one is then found in milliseconds)."""
    request = chart_request(modality, chart, studies, options)
    if connections[request.using].vendor == "postgresql":
        found = results.stored(request.parts, request.using)
        return found is None or found.computed_at <= settled
    changed = versioning.last_change(request.scopes, request.using)
    return changed is None or changed <= settled
