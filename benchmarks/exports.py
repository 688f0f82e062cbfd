#!/usr/bin/env python3
"""CT export benchmark on PostgreSQL (not part of the test suite).

Run: ``.venv/bin/python benchmarks/exports.py [--studies 1000000] [--xlsx-studies 100000] [--drop]``.

1. Creates, migrates and loads its own database ``openrem_bench_exports`` with the generated CT
   studies of ``benchmarks/web_list.py`` (30 systems, 36 protocols, 3 CT events per study), plus one
   X-ray source row per event, so the export reads every table it reads in production;
2. exports every study to CSV and the most recent ``--xlsx-studies`` to XLSX, each in a fresh child
   process (``openrem export``'s code path: list filter -> server-side cursor -> writer), and prints
   studies per second and the child's peak resident memory against the goals: CSV at least 5,000
   studies/s (wall clock; the exporting process's CPU time is printed too, for a busy machine),
   peak RSS under 300 MB for both (the older OpenREM: CSV 12.2 s and XLSX 2.4 s for 500
   studies);
3. ``--drop`` drops the benchmark database afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/openrem_bench_exports"
CSV_GOAL, RSS_GOAL_MB = 5000.0, 300.0
OLD = "older OpenREM: CSV 12.2 s and XLSX 2.4 s for 500 studies (41 and 208 studies/s)"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--studies", type=int, default=1_000_000, help="CT studies loaded (default 1,000,000)")
    parser.add_argument("--xlsx-studies", type=int, default=100_000, help="studies exported to XLSX")
    parser.add_argument("--url", default=os.environ.get("BENCH_EXPORTS_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--out", default="/tmp/openrem-bench-exports", help="folder of the exported files")
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database at the end")
    parser.add_argument("--child", nargs=3, metavar=("FORMAT", "FILTERS_JSON", "FILE"), help=argparse.SUPPRESS)
    return parser.parse_args()


def add_sources(url: str) -> None:
    """One X-ray source (kVp, mA, max mA, rotation time) per CT event, once."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM dose_ctxraysource LIMIT 1").fetchone():
            return
        t = time.perf_counter()
        conn.execute("""INSERT INTO dose_ctxraysource (identification_of_the_xray_source, kvp,
                          maximum_xray_tube_current, xray_tube_current, exposure_time_per_rotation, parent_id)
                        SELECT 'A', 120, 400, 150 + id % 200, 0.5, id FROM dose_ctevent""")
        conn.execute("ANALYZE dose_ctxraysource")
        print(f"  sources: {time.perf_counter() - t:.1f} s")


def child(url: str, fmt: str, filters_json: str, path: str) -> None:
    """Run one export in this (fresh) process and print its figures as JSON."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openrem.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from openrem.exports.run import CommandUser, run_export

    start, cpu_start = time.perf_counter(), time.process_time()
    count = run_export("ct", fmt, json.loads(filters_json), CommandUser(), path)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"count": count, "seconds": seconds, "cpu": cpu, "rss_mb": rss_mb,
                      "bytes": os.path.getsize(path)}))


def run_child(url: str, fmt: str, filters: dict[str, str], path: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--url", url, "--child", fmt, json.dumps(filters), path],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def xlsx_filter(url: str, n: int) -> dict[str, str]:
    """``date_from`` selecting about the ``n`` most recent studies."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT study_date FROM dose_study ORDER BY study_datetime DESC OFFSET %s LIMIT 1",
                           (max(0, n - 1),)).fetchone()
    return {"date_from": row[0].isoformat()} if row else {}


def report(label: str, figures: dict[str, float], goal_rate: float | None) -> bool:
    rate = figures["count"] / figures["seconds"]
    cpu_rate = figures["count"] / max(figures["cpu"], 1e-9)
    ok_rss = figures["rss_mb"] < RSS_GOAL_MB
    ok_rate = goal_rate is None or rate >= goal_rate
    print(f"{label}: {figures['count']:,.0f} studies in {figures['seconds']:.1f} s = {rate:,.0f} studies/s "
          f"(exporting process CPU {figures['cpu']:.1f} s = {cpu_rate:,.0f} studies per CPU second)"
          f"{f' (goal {goal_rate:,.0f})' if goal_rate else ''}; peak RSS {figures['rss_mb']:.0f} MB "
          f"(goal < {RSS_GOAL_MB:.0f}); file {figures['bytes'] / 1e6:.0f} MB -> "
          f"{'ok' if ok_rss and ok_rate else 'MISSES GOAL'}")
    return ok_rss and ok_rate


def drop(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"dropped database {name}")


def main() -> None:
    args = parse_args()
    if args.child:
        child(args.url, *args.child)
        return
    import web_list

    web_list.ensure_database(args.url)
    web_list.setup_django(args.url)
    web_list.load(args.url, args.studies, reload=False)
    add_sources(args.url)
    web_list.row_counts(args.url)
    os.makedirs(args.out, exist_ok=True)
    ok = report("CSV, all studies", run_child(args.url, "csv", {}, os.path.join(args.out, "ct.csv")), CSV_GOAL)
    xlsx = run_child(args.url, "xlsx", xlsx_filter(args.url, args.xlsx_studies), os.path.join(args.out, "ct.xlsx"))
    ok = report("XLSX, most recent studies", xlsx, None) and ok
    print(OLD)
    for name in ("ct.csv", "ct.xlsx"):
        os.remove(os.path.join(args.out, name))
    if args.drop:
        drop(args.url)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
