#!/usr/bin/env python3
"""Import speed with and without the chart triggers (not part of the test suite): the data version
triggers of :mod:`openrem.charts.versioning` and, on PostgreSQL, the rank index triggers of
:mod:`openrem.charts.rankindex`.

Run: ``.venv/bin/python benchmarks/chart_triggers.py [--url postgres://...] [--count 300] [--rounds 3]``.

Imports ``--count`` generated CT RDSRs (parse + store, files in memory) per run, alternating runs
with the triggers installed and removed, ``--rounds`` times each,
into a fresh database: a temporary SQLite file by default, or the PostgreSQL database ``--url``
(created and dropped). Prints each run's rate and the medians.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def _admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql.format(name=parts.path.lstrip("/")))


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openrem.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def run(blobs: list[bytes]) -> float:
    from openrem.dicom.parse import parse_bytes
    from openrem.dose.ingest import ingest

    start = time.perf_counter()
    for blob in blobs:
        result = parse_bytes(blob)
        assert result.report is not None, result.reason
        ingest(result.report)
    return len(blobs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="PostgreSQL database to create, use and drop (default: SQLite file)")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("OPENREM_DATA", tmp)
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        if args.url:
            _admin(url, 'DROP DATABASE IF EXISTS "{name}"')
            _admin(url, 'CREATE DATABASE "{name}"')
        try:
            setup(url)
            measure(args.count, args.rounds)
        finally:
            if args.url:
                from django.db import connections

                connections.close_all()
                _admin(url, 'DROP DATABASE IF EXISTS "{name}"')


def measure(count: int, rounds: int) -> None:
    from openrem.charts import rankindex, versioning
    from openrem.dicom import synth

    rng = random.Random(7)
    builder, device_maker = synth.BUILDERS["CT"]
    rooms = [device_maker(rng) for _ in range(5)]
    rates: dict[str, list[float]] = {"with triggers": [], "without": []}
    for i in range(rounds):
        for label in ("with triggers", "without") if i % 2 == 0 else ("without", "with triggers"):
            if label == "without":
                versioning.uninstall()
                rankindex.uninstall()
            else:
                versioning.install()
                rankindex.install()  # (rebuilds what was imported without it; not timed)
            blobs = [synth.to_bytes(builder(rng, device=rng.choice(rooms))) for _ in range(count)]
            rate = run(blobs)
            rates[label].append(rate)
            print(f"round {i + 1}, {label:13s}: {rate:6.1f} imports/s")
    versioning.install()
    rankindex.install()
    for label, values in rates.items():
        print(f"median {label:13s}: {statistics.median(values):6.1f} imports/s ({', '.join(f'{v:.0f}' for v in values)})")


if __name__ == "__main__":
    main()
