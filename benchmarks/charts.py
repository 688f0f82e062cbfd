#!/usr/bin/env python3
"""CT chart benchmark on PostgreSQL at 1,000,000 studies and 3,000,000 events (not part of the test suite).

Run: ``.venv/bin/python benchmarks/charts.py [--studies 1000000] [--repeat 5] [--import-every 2] [--drop]``.

Uses the generator and loader of ``benchmarks/web_list.py`` (own database ``openrem_charts_bench``
unless ``--url``; the load is skipped when the same N is already there), then times chart API
requests through Django's test client, logged in as a viewgroup user with the default chart options
(all systems pooled, CT acquisition types sequenced + spiral):

* **cold**: the first request of each chart in this process, right after loading or after
  ``DISCARD ALL`` (no statement or plan cache; PostgreSQL's buffers as the previous run left them;
  the process has answered one request of the chart list before, so that Django's one-time start-up
  of a process is not counted as chart time);
* **warm**: median of ``--repeat`` further requests, each computed (the stored result dropped first);
* **stored**: median of ``--repeat`` requests served from the stored result of the current data
  version (``openrem.charts.results``), as every request after the first is until the data changes;
* **first view after precomputation**: the stored results dropped, the worker's precomputation
  (``openrem.charts.warm``) timed, then ``DISCARD ALL`` and the first request of each chart;
* **while imports go on**: generated CT RDSRs imported every ``--import-every`` seconds in another
  thread (their own connection) while the worker's precomputation runs; then the first view as the
  list page asks for it (``stale=1``: stored numbers of older data answer at once, dated) and the
  age of the numbers it shows; then, after one more import, the current numbers requested two at a
  time as the page does (wall time until the last one).

Goals (issue "Charts"): the default CT chart set (acquisition DLP and CTDIvol, study DLP and CTDIvol,
each with mean, median and boxplot numbers) under 1 s in total, any single chart under 500 ms.
``--drop`` drops the benchmark database at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web_list  # noqa: E402  (the generator / loader of the list benchmark)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/openrem_charts_bench"
DEFAULT_SET = ("acquisition_protocol_dlp", "acquisition_protocol_ctdivol", "study_description_dlp",
               "study_description_ctdivol")
OTHERS = ("acquisition_protocol_frequency", "study_description_frequency", "study_description_dlp_over_time",
          "acquisition_protocol_dlp_over_time", "study_description_workload", "acquisition_protocol_dlp_vs_mass")
FILTERED = "date_from=2024-01-01&date_until=2024-12-31&study_description=chest"
TOTAL_GOAL_MS, SINGLE_GOAL_MS = 1000.0, 500.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--studies", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per chart (median printed)")
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database afterwards")
    parser.add_argument("--all", action="store_true", help="also time the other CT charts")
    parser.add_argument("--import-every", type=float, default=2.0,
                        help="seconds between the imports of the last phase")
    return parser.parse_args()


def _client() -> object:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user, _ = User.objects.get_or_create(username="bench-viewer")
    user.groups.add(Group.objects.get_or_create(name="viewgroup")[0])
    client = Client()
    client.force_login(user)
    return client


def _time(client: object, chart: str, query: str) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(f"/api/charts/ct/{chart}/?{query}")  # type: ignore[attr-defined]
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (chart, response.status_code, response.content[:200])
    data = response.json()
    return elapsed, len(data.get("rows") or data.get("points") or [])


def _forget() -> None:
    """Drop the stored chart results, so that the next request computes."""
    from openrem.charts.models import StoredChart

    StoredChart.objects.all().delete()


def bench(charts: tuple[str, ...], query: str, repeat: int, label: str) -> float:
    """Computed (cold and warm) and stored times of ``charts``; returns the stored total."""
    from django.db import connection

    client = _client()
    client.get("/api/charts/ct/")  # type: ignore[attr-defined]  # the process's first request
    _forget()
    connection.cursor().execute("DISCARD ALL")
    print(f"\n{label} ({query or 'no filter'}); computed: cold = first request, warm = median of {repeat} "
          f"with the stored result dropped before each; stored = median of {repeat} served from the stored result")
    totals = {"cold": 0.0, "warm": 0.0, "stored": 0.0}
    for chart in charts:
        cold, rows = _time(client, chart, query)
        warm_runs = []
        for _ in range(repeat):
            _forget()
            warm_runs.append(_time(client, chart, query)[0])
        warm = statistics.median(warm_runs)
        stored = statistics.median(_time(client, chart, query)[0] for _ in range(repeat))
        for name, figure in (("cold", cold), ("warm", warm), ("stored", stored)):
            totals[name] += figure
        verdict = "ok" if max(cold, warm) < SINGLE_GOAL_MS else "SLOW"
        print(f"  computed: cold {cold:7.0f} ms  warm {warm:7.0f} ms {verdict:4s}  stored {stored:6.1f} ms"
              f"  {rows:4d} rows  {chart}")
    print(f"  total: computed cold {totals['cold']:.0f} ms, warm {totals['warm']:.0f} ms; "
          f"stored {totals['stored']:.1f} ms (goal {TOTAL_GOAL_MS:.0f} ms)")
    return totals["stored"]


def first_view(charts: tuple[str, ...]) -> None:
    """The worker's precomputation, then the first request of each chart."""
    from django.db import connection

    from openrem.charts.warm import precompute

    _forget()
    report = precompute(quiet_s=0)
    print(f"\nPrecomputation (worker, data quiet): {report.charts} charts of {', '.join(report.modalities)} "
          f"in {report.seconds:.1f} s{' (' + report.skipped + ')' if report.skipped else ''}")
    client = _client()
    connection.cursor().execute("DISCARD ALL")
    total = 0.0
    for chart in charts:
        elapsed, rows = _time(client, chart, "")
        total += elapsed
        print(f"  first view {elapsed:6.1f} ms  {rows:4d} rows  {chart}")
    print(f"  total: {total:.1f} ms (goal {TOTAL_GOAL_MS:.0f} ms)")


def _import_one(rng: object, device: object) -> None:
    from openrem.dicom import synth
    from openrem.dicom.parse import parse_bytes
    from openrem.dose.ingest import ingest

    builder, _maker = synth.BUILDERS["CT"]
    result = parse_bytes(synth.to_bytes(builder(rng, device=device)))
    assert result.report is not None, result.reason
    ingest(result.report)


def _importer(stop: threading.Event, every_s: float, imported: list[float], rng: object, device: object) -> None:
    """Import a generated CT RDSR every ``every_s`` seconds until ``stop``."""
    from django.db import connection

    try:
        while not stop.wait(every_s):
            _import_one(rng, device)
            imported.append(time.time())
    finally:
        connection.close()


def _stale_view(charts: tuple[str, ...], label: str) -> None:
    """The first request of each chart as the list page makes it (``stale=1``)."""
    from datetime import datetime

    from django.db import connection

    client = _client()
    connection.cursor().execute("DISCARD ALL")
    total = 0.0
    print(f"  {label}:")
    for chart in charts:
        start = time.perf_counter()
        response = client.get(f"/api/charts/ct/{chart}/?stale=1")  # type: ignore[attr-defined]
        elapsed = (time.perf_counter() - start) * 1000
        data = response.json()
        age = time.time() - datetime.fromisoformat(data["computed_at"]).timestamp()
        total += elapsed
        print(f"    first view (stale=1) {elapsed:6.1f} ms  current {str(data['current']):5s}  numbers of the data "
              f"of {age:5.1f} s before  {chart}")
    print(f"    total: {total:.1f} ms (goal {TOTAL_GOAL_MS:.0f} ms)")


def _current_as_the_page_asks(charts: tuple[str, ...]) -> None:
    """The current numbers of ``charts`` requested two at a time, as the list page does after showing
    dated ones: the wall time until the last one is there."""
    from django.db import connection

    queue, times = list(charts), {}

    def lane() -> None:
        client = _client()
        try:
            while queue:
                chart = queue.pop(0)
                times[chart] = _time(client, chart, "")[0]
        finally:
            connection.close()

    start = time.perf_counter()
    lanes = [threading.Thread(target=lane) for _ in range(2)]
    for thread in lanes:
        thread.start()
    for thread in lanes:
        thread.join()
    wall = (time.perf_counter() - start) * 1000
    print(f"  after one more import, the current numbers as the page asks for them (two at a time): "
          f"{wall:.0f} ms until the last ({', '.join(f'{c} {t:.0f} ms' for c, t in times.items())})")


def during_imports(charts: tuple[str, ...], every_s: float) -> None:
    """After an import, and while imports go on: the first view with ``stale=1``; the precomputation."""
    import random

    from django.utils import timezone

    from openrem.charts.models import StoredChart
    from openrem.charts.warm import precompute
    from openrem.dicom import synth

    rng = random.Random(time.time_ns())  # new studies on every run (the same UIDs would be duplicates)
    device = synth.BUILDERS["CT"][1](rng)
    print(f"\nImports go on (a generated CT study every {every_s:g} s)")
    _import_one(rng, device)
    _stale_view(charts, "right after an import, before the worker computed again")
    stop, imported = threading.Event(), list[float]()
    worker = threading.Thread(target=_importer, args=(stop, every_s, imported, rng, device))
    begun = timezone.now()
    worker.start()
    try:
        report = precompute(quiet_s=0)
        stored = StoredChart.objects.filter(computed_at__gte=begun).count()
        print(f"  precomputation while importing: {report.charts} charts in {report.seconds:.1f} s, "
              f"{len(imported)} imports committed meanwhile, {stored} results stored (one snapshot each)")
        _stale_view(charts, "after that precomputation, imports still going on")
    finally:
        stop.set()
        worker.join()
    _import_one(rng, device)
    _current_as_the_page_asks(charts)
    print(f"  {len(imported) + 2} CT studies imported during the phase")


def drop(url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from django.db import connections

    connections.close_all()
    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')
    print(f"dropped {parts.path.lstrip('/')}")


def build_rank_index(loaded: bool) -> None:
    """The bulk load bypasses the triggers that keep the rank index: build it from the data, as
    ``migrate`` does for an installation whose index is new (timed; kept across runs)."""
    from openrem.charts import rankindex

    if not loaded and any(_index_sizes().values()):
        print("rank index: kept from the previous run")
        return
    t = time.perf_counter()
    rebuilt = rankindex.rebuild_all()
    print(f"rank index: {rebuilt} charts built from the data in {time.perf_counter() - t:.1f} s; "
          f"rows {_index_sizes()}")


def _index_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        sizes = {}
        for table in ("charts_rankentry", "charts_rankbin"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            sizes[table] = int(cursor.fetchone()[0])
    return sizes


def main() -> None:
    args = parse_args()
    web_list.ensure_database(args.url)
    web_list.setup_django(args.url)
    loaded = web_list.load(args.url, args.studies, reload=False)
    web_list.row_counts(args.url)
    build_rank_index(loaded)
    bench(DEFAULT_SET, "", args.repeat, "Default CT chart set, all studies")
    bench(DEFAULT_SET, FILTERED, args.repeat, "Default CT chart set, filtered list")
    if args.all:
        bench(OTHERS, "", args.repeat, "Other CT charts, all studies")
    first_view(DEFAULT_SET)
    during_imports(DEFAULT_SET, args.import_every)
    if args.drop:
        drop(args.url)


if __name__ == "__main__":
    main()
