"""``openrem chartindex [--verify] [--rebuild] [--merge]``: the rank index of the default average
charts (PostgreSQL; :mod:`openrem.charts.rankindex`).

* no option or ``--verify``: compare every indexed chart's values and bin counts with the data and
  print the differences per chart (0 everywhere: exact); exit status 1 when any differs;
* ``--rebuild``: rebuild every indexed chart from the data (after writing the dose tables with
  triggers disabled, e.g. a bulk load or a restore with ``session_replication_role = replica``);
* ``--merge``: merge the appended bin rows now (the worker does it every minute).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from openrem.charts import rankindex


class Command(BaseCommand):
    help = "Verify, rebuild or merge the rank index of the default average charts (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--verify", action="store_true", help="compare the index with the data (default)")
        parser.add_argument("--rebuild", action="store_true", help="rebuild every indexed chart from the data")
        parser.add_argument("--merge", action="store_true", help="merge the appended bin rows")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("the rank index exists on PostgreSQL only; on SQLite every chart is computed")
        if "charts_rankfamily" not in connection.introspection.table_names():
            raise CommandError("the rank index tables are missing: run `openrem migrate`")
        if options["rebuild"]:
            start = time.perf_counter()
            count = rankindex.rebuild_all()
            self.stdout.write(f"rebuilt {count} charts in {time.perf_counter() - start:.1f} s")
        if options["merge"]:
            self.stdout.write(f"merged {rankindex.compact()} bin rows")
        if options["verify"] or not (options["rebuild"] or options["merge"]):
            differences = rankindex.verify()
            for key, n in differences.items():
                self.stdout.write(f"{key}: {'not built' if n < 0 else f'{n} differences'}")
            if any(n != 0 for n in differences.values()):
                raise CommandError("the rank index differs from the data: run `openrem chartindex --rebuild`")
