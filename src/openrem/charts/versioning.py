"""The chart data version: a number that changes whenever anything a chart reads changes.

Stored chart results (:mod:`openrem.charts.results`) are valid for one data version. The version
lives in one row (``charts_chartdataversion``, id 1) and is raised by database triggers on every
table of the dose store (studies, dose reports, events, equipment, standard names), so that no
write path can forget it: imports, deletions, patient size imports, administrator edits, a takeover
of an older database or a manual SQL change.

* **PostgreSQL:** a deferred constraint trigger per row (``INITIALLY DEFERRED``) runs at commit; the
  first one of a transaction raises the version (a transaction-local setting marks it done), in
  the same transaction as the data, so a reader sees the new data and the new version together.
  The version row is locked only while the transaction commits, so concurrent imports do not wait
  for each other. ``TRUNCATE`` raises it at once (statement trigger).
* **SQLite:** a trigger per row and statement kind raises it at once (SQLite has one writer at a
  time, so there is nothing to wait for).

The triggers are (re)installed after every ``migrate`` (``post_migrate``), for the tables that
exist then, so a table added by a later migration is covered too; stored results are dropped at
the same time (new code may compute differently).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connections

VERSION_TABLE = "charts_chartdataversion"
TRIGGER = "openrem_chart_data"
FUNCTION = "openrem_chart_data_changed"
WATCHED_APPS = ("dose",)  # every table a chart reads belongs to the dose store

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('openrem.chart_data_changed', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('openrem.chart_data_changed', 'on', true);
        UPDATE {VERSION_TABLE} SET version = version + 1, changed_at = clock_timestamp() WHERE id = 1;
    END IF;
    RETURN NULL;
END $$"""


def watched_tables() -> list[str]:
    """The tables whose changes change the chart data version."""
    tables = set()
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return sorted(tables)


def _pg_statements(table: str) -> list[str]:
    quoted = f'"{table}"'
    return [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}",
            f"DROP TRIGGER IF EXISTS {TRIGGER}_truncate ON {quoted}",
            f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {quoted} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
            f"CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON {quoted} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"]


def _sqlite_statements(table: str) -> list[str]:
    out = []
    for op in ("INSERT", "UPDATE", "DELETE"):
        name = f'"{TRIGGER}_{table}_{op.lower()}"'
        out += [f"DROP TRIGGER IF EXISTS {name}",
                f'CREATE TRIGGER {name} AFTER {op} ON "{table}" BEGIN '
                f"UPDATE {VERSION_TABLE} SET version = version + 1, "
                f"changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1; END"]
    return out


def install(using: str = "default") -> int:
    """(Re)create the version row and the triggers; drop every stored chart result. Returns the
    number of watched tables."""
    from openrem.charts.models import ChartDataVersion, StoredChart

    connection = connections[using]
    tables = watched_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            statements = [s for t in tables for s in _pg_statements(t)]
        else:
            statements = [s for t in tables for s in _sqlite_statements(t)]
        for statement in statements:
            cursor.execute(statement)
    StoredChart.objects.using(using).all().delete()
    row, created = ChartDataVersion.objects.using(using).get_or_create(pk=1)
    if not created:  # a new number, so that nothing stored before this migrate can match
        ChartDataVersion.objects.using(using).filter(pk=1).update(version=row.version + 1)
    return len(tables)


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    install(using)


def current(using: str = "default") -> int | None:
    """The data version as this statement sees it; ``None`` when the row is missing (then nothing
    is stored or reused)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else None
