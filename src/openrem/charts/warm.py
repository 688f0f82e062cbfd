"""Chart numbers computed ahead of the first view.

A stored chart result (:mod:`openrem.charts.results`) serves every request after the first one of a
data version; the first one computes, which takes seconds over a million studies. Once the stored
data has been quiet for ``CHART_PRECOMPUTE_QUIET_S`` seconds (no import, deletion or edit), the
worker computes the charts a user sees first when opening a modality page (no list filter; the
default chart options and every distinct set of options saved by a user active in the last 30
days), so that this first view is served from the store too. The work stops as soon as the data changes again, because nothing
computed from then on could be stored for the new version.

Settings (``docs/tasks.md``): ``CHART_PRECOMPUTE`` (default on), ``CHART_PRECOMPUTE_QUIET_S``
(default 120).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from openrem.charts import versioning
from openrem.charts.compute import chart_data
from openrem.charts.options import ChartOptions, from_json
from openrem.modalities.registry import MODALITIES
from openrem.web.filtering import filtered_studies

log = logging.getLogger("openrem.charts")

DEFAULT_QUIET_S = 120
ACTIVE_USER_DAYS = 30  # saved options of users not seen for longer are not computed ahead


@dataclass
class WarmReport:
    """What one precomputation did."""

    data_version: int | None
    charts: int = 0
    seconds: float = 0.0
    skipped: str = ""  # why nothing (more) was computed
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


def quiet_since(using: str = "default") -> datetime | None:
    """When the stored data last changed (``None`` when unknown)."""
    from openrem.charts.models import ChartDataVersion

    return ChartDataVersion.objects.using(using).filter(pk=1).values_list("changed_at", flat=True).first()


def precompute(using: str = "default", *, quiet_s: float | None = None) -> WarmReport:
    """Compute the first-view charts of every modality with studies, unless the data changed within
    ``quiet_s`` seconds (default: the setting). Stops when the data changes meanwhile."""
    quiet = float(getattr(settings, "CHART_PRECOMPUTE_QUIET_S", DEFAULT_QUIET_S)) if quiet_s is None else quiet_s
    version = versioning.current(using)
    report = WarmReport(data_version=version)
    changed = quiet_since(using)
    if version is None:
        report.skipped = "no data version"
        return report
    if changed is not None and timezone.now() - changed < timedelta(seconds=quiet):
        report.skipped = f"data changed less than {quiet:g} s ago"
        return report
    start = time.perf_counter()
    for modality in MODALITIES.values():
        studies, _form = filtered_studies(modality, AnonymousUser(), {})
        if not studies.using(using).exists():
            continue
        report.modalities.append(modality.slug)
        for options in option_sets():
            for chart_id in options.for_modality(modality).charts:
                chart = modality.chart(chart_id)
                if chart is None:
                    continue
                chart_data(modality, chart, studies.using(using), options)
                report.charts += 1
                if versioning.current(using) != version:
                    report.skipped = "data changed while computing"
                    report.seconds = time.perf_counter() - start
                    return report
    report.seconds = time.perf_counter() - start
    return report
