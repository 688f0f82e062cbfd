"""The precomputation under a real consumer (``openrem run_huey``) on the Redis queue and on the SQLite
queue: a lock left by a killed consumer is released at start, and the periodic task stores the CT
charts of the test database (it runs at the next full minute)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chartdata import SPIRAL, ct_events, equipment, study

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jobs"))

from procs import REDIS_HOST, REDIS_PORT, Procs, flush_queue, process_env, wait_for  # noqa: E402

from openrem.charts.models import StoredChart  # noqa: E402
from openrem.charts.options import ChartOptions  # noqa: E402
from openrem.charts.tasks import LOCK  # noqa: E402
from openrem.modalities.registry import MODALITIES  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["redis", "sqlite"])
def procs(request: Any, tmp_path: Path) -> Iterator[Procs]:
    env = process_env(tmp_path / "data", request.param)
    env["CHART_PRECOMPUTE_QUIET_S"] = "0"
    running = Procs(env, tmp_path / "logs")
    yield running
    running.stop_all()
    flush_queue(env)
    sys.stdout.write(running.tail())


def _queue(env: dict[str, str]) -> Any:
    """The consumer's queue, seen from the test."""
    from huey import RedisHuey, SqliteHuey

    if env.get("REDIS_HOST"):
        return RedisHuey(env["HUEY_NAME"], host=REDIS_HOST, port=REDIS_PORT)
    Path(env["OPENREM_DATA"]).mkdir(parents=True, exist_ok=True)
    return SqliteHuey(env["HUEY_NAME"], filename=str(Path(env["OPENREM_DATA"]) / "huey.sqlite3"))


def test_a_left_lock_is_released_and_the_worker_stores_the_charts(procs: Procs) -> None:
    scanner = equipment("CT one")
    first = study("CT", scanner, dt.datetime(2024, 3, 4, 10, 30), study_description="Head", total_dlp=100.0)
    ct_events(first, ("Head routine", SPIRAL, 60.0, 40.0))
    left = _queue(procs.env).lock_task(LOCK)
    left.acquire()  # as a consumer killed during a precomputation leaves it
    consumer = procs.consumer(workers=1)
    wait_for(lambda: consumer.poll() is not None or not left.is_locked(), 60, "the consumer to release the lock")
    assert consumer.poll() is None, procs.tail()
    defaults = ChartOptions().for_modality(MODALITIES["ct"]).charts
    wait_for(lambda: consumer.poll() is not None or StoredChart.objects.count() >= len(defaults), 150,
             "the periodic precomputation to store the CT charts")
    assert consumer.poll() is None, procs.tail()
    assert StoredChart.objects.count() == len(defaults), procs.tail()
