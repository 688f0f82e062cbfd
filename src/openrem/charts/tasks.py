"""Huey task of the charts: the first-view charts computed ahead once the data is quiet
(:mod:`openrem.charts.warm`)."""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task
from huey.exceptions import TaskLockedException

log = logging.getLogger("openrem.charts")
LOCK = "openrem-chart-precompute"
# Declared here, so that ``openrem run_huey`` releases it at start when a killed consumer left it.
# No expiry: huey's SQLite queue and Redis before 7.4 refuse one.
PRECOMPUTE_LOCK = HUEY.lock_task(LOCK)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def precompute_charts() -> None:
    """Every minute: compute the first-view charts when the data has been quiet long enough and they
    are not stored yet for the current data version (a stored one is found in milliseconds)."""
    from openrem.charts.rankindex import compact
    from openrem.charts.warm import precompute

    try:
        compact()  # merge the rank index's appended bin rows (PostgreSQL)
    except Exception:
        log.exception("rank index merge failed")
    if not getattr(settings, "CHART_PRECOMPUTE", True):
        return
    try:
        with PRECOMPUTE_LOCK:  # one run at a time: a long run spans several minutes
            report = precompute()
    except TaskLockedException:
        log.debug("chart precomputation still running")
        return
    except Exception:  # the next minute tries again; the chart pages compute on request meanwhile
        log.exception("chart precomputation failed")
        return
    if report.charts:
        log.info("charts precomputed: %d charts of %s in %.1f s (%d wait for their data to settle)",
                 report.charts, ", ".join(report.modalities), report.seconds, report.waiting)
