"""Chart data versions: numbers that change whenever anything a chart reads changes.

Stored chart results (:mod:`openrem.charts.results`) are valid for one *fingerprint*: the versions
of the scopes the chart reads. A scope is a table of the dose store, except the studies, whose scope
is split by modality type (``dose_study:CT``, ``dose_study:DX`` ...), so that importing a radiograph
leaves the stored CT charts valid. The global scope ``*`` belongs to every fingerprint; ``migrate``
and ``TRUNCATE`` raise it.

The versions live in ``charts_chartdataversion`` (one row per scope) and are raised by database
triggers on every table of the dose store, so that no write path can forget them: imports,
deletions, patient size imports, administrator edits, a takeover of an older database or a manual
SQL change.

* **PostgreSQL:** a ``BEFORE`` row trigger notes the row's scope in a transaction-local setting;
  the first row of a transaction also queues one deferred constraint trigger event
  (``INITIALLY DEFERRED``), which at commit raises the noted scopes in sorted order, in the same
  transaction as the data, so a reader sees the new data and the new versions together. Version
  rows are locked only while the transaction commits, always in the same order, so concurrent
  imports neither wait for each other's transactions nor deadlock on them. ``TRUNCATE`` raises the
  global scope at once.
* **SQLite:** a trigger per row and statement kind raises the scope at once (SQLite has one writer
  at a time, so there is nothing to wait for).

The triggers are (re)installed after every ``migrate`` (``post_migrate``), for the tables that
exist then, so a table added by a later migration is covered too; stored results are dropped and
the global scope raised at the same time (new code may compute differently).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connections

VERSION_TABLE = "charts_chartdataversion"
TRIGGER = "openrem_chart_data"
GLOBAL = "*"
WATCHED_APPS = ("dose",)  # every table a chart reads belongs to the dose store
STUDY_TABLE, MODALITY_COLUMN = "dose_study", "modality_type"
_SCOPES = "openrem.chart_scopes"  # transaction-local: |scope|scope|... noted since the last raise
_ROWS = "openrem.chart_rows"  # transaction-local: "first" for the row that queued the raise

_UPSERT = (f"INSERT INTO {VERSION_TABLE} (scope, version, changed_at) VALUES ({{scope}}, 1, {{now}}) "
           f"ON CONFLICT (scope) DO UPDATE SET version = {VERSION_TABLE}.version + 1, changed_at = excluded.changed_at")

_PG_NOTE = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}_note() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    noted text := coalesce(current_setting('{_SCOPES}', true), '');
    rows_state text := coalesce(current_setting('{_ROWS}', true), '');
    row_scope text;
    scopes text[];
    changed boolean := false;
BEGIN
    IF TG_TABLE_NAME = '{STUDY_TABLE}' THEN
        scopes := ARRAY[]::text[];
        IF TG_OP <> 'INSERT' THEN scopes := scopes || ('{STUDY_TABLE}:' || coalesce(OLD.{MODALITY_COLUMN}, '')); END IF;
        IF TG_OP <> 'DELETE' THEN scopes := scopes || ('{STUDY_TABLE}:' || coalesce(NEW.{MODALITY_COLUMN}, '')); END IF;
    ELSE
        scopes := ARRAY[TG_TABLE_NAME::text];
    END IF;
    FOREACH row_scope IN ARRAY scopes LOOP
        IF position('|' || row_scope || '|' IN noted) = 0 THEN
            noted := noted || '|' || row_scope || '|';
            changed := true;
        END IF;
    END LOOP;
    IF changed THEN
        PERFORM set_config('{_SCOPES}', noted, true);
    END IF;
    IF rows_state = '' THEN
        PERFORM set_config('{_ROWS}', 'first', true);
    ELSIF rows_state = 'first' THEN
        PERFORM set_config('{_ROWS}', 'more', true);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$"""

_PG_RAISE = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}_raise() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    noted_scope text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        {_UPSERT.format(scope=f"'{GLOBAL}'", now="clock_timestamp()")};
        RETURN NULL;
    END IF;
    FOR noted_scope IN SELECT DISTINCT s FROM unnest(string_to_array(coalesce(current_setting('{_SCOPES}', true), ''), '|')) s
                 WHERE s <> '' ORDER BY s LOOP
        {_UPSERT.format(scope="noted_scope", now="clock_timestamp()")};
    END LOOP;
    PERFORM set_config('{_SCOPES}', '', true);
    PERFORM set_config('{_ROWS}', '', true);
    RETURN NULL;
END $$"""


def watched_tables() -> list[str]:
    """The tables whose changes change the chart data versions."""
    tables = set()
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return sorted(tables)


def _pg_statements(table: str) -> list[str]:
    quoted = f'"{table}"'
    return [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}",
            f"DROP TRIGGER IF EXISTS {TRIGGER}_note ON {quoted}",
            f"DROP TRIGGER IF EXISTS {TRIGGER}_truncate ON {quoted}",
            f"CREATE TRIGGER {TRIGGER}_note BEFORE INSERT OR UPDATE OR DELETE ON {quoted} "
            f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}_note()",
            f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {quoted} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"WHEN (current_setting('{_ROWS}', true) = 'first') EXECUTE FUNCTION {TRIGGER}_raise()",
            f"CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON {quoted} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}_raise()"]


def _sqlite_statements(table: str) -> list[str]:
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    out = []
    for op in ("INSERT", "UPDATE", "DELETE"):
        if table == STUDY_TABLE:
            rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[op]
            scopes = [f"'{STUDY_TABLE}:' || coalesce({row}.{MODALITY_COLUMN}, '')" for row in rows]
        else:
            scopes = [f"'{table}'"]
        body = " ".join(_UPSERT.format(scope=scope, now=now) + ";" for scope in scopes)
        name = f'"{TRIGGER}_{table}_{op.lower()}"'
        out += [f"DROP TRIGGER IF EXISTS {name}", f'CREATE TRIGGER {name} AFTER {op} ON "{table}" BEGIN {body} END']
    return out


def install(using: str = "default") -> int:
    """(Re)create the triggers; drop every stored chart result; raise the global scope. Returns the
    number of watched tables."""
    from openrem.charts.models import StoredChart

    connection = connections[using]
    tables = watched_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_NOTE)
            cursor.execute(_PG_RAISE)
            statements = [s for t in tables for s in _pg_statements(t)]
            now = "clock_timestamp()"
        else:
            statements = [s for t in tables for s in _sqlite_statements(t)]
            now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(_UPSERT.format(scope=f"'{GLOBAL}'", now=now))
    StoredChart.objects.using(using).all().delete()
    return len(tables)


def drop_triggers(connection: Any, tables: Sequence[str]) -> None:
    """Remove the triggers from ``tables`` (and the PostgreSQL functions), so that the dose store is
    written without the version table (also when the charts' migration is reversed)."""
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                for name in (TRIGGER, f"{TRIGGER}_note", f"{TRIGGER}_truncate"):
                    cursor.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            else:
                for op in ("insert", "update", "delete"):
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{TRIGGER}_{table}_{op}"')
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}_note(), {TRIGGER}_raise()")


def uninstall(using: str = "default") -> None:
    """Remove the triggers (for measurements; stored results are then never reused, because the
    versions no longer follow the data: they are dropped, and ``install`` brings everything back)."""
    from openrem.charts.models import ChartDataVersion, StoredChart

    drop_triggers(connections[using], watched_tables())
    StoredChart.objects.using(using).all().delete()
    ChartDataVersion.objects.using(using).all().delete()


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Install after every ``migrate``; when the charts' tables were migrated away, make sure no
    trigger is left to write them."""
    connection = connections[using]
    present = set(connection.introspection.table_names())
    from openrem.charts import rankindex

    if "charts_rankfamily" in present:
        rankindex.install(using)
    else:  # no rank tables: no trigger may write them
        rankindex.drop_triggers(connection)
    if VERSION_TABLE in present:
        install(using)
    else:
        drop_triggers(connection, [t for t in watched_tables() if t in present])


@cache
def _watched() -> frozenset[str]:
    return frozenset(watched_tables())


def scopes_for(sql: str, modality_types: Sequence[str]) -> list[str]:
    """The scopes a chart row query ``sql`` reads: the watched tables named in it (the studies by
    ``modality_types``, the only studies a chart of that modality reads) and the global scope."""
    tables = set(re.findall(r'"(\w+)"', sql)) & _watched()
    scopes = {GLOBAL, *(t for t in tables if t != STUDY_TABLE)}
    if STUDY_TABLE in tables:
        scopes.update(f"{STUDY_TABLE}:{t}" for t in modality_types)
    return sorted(scopes)


def versions(using: str = "default", scopes: Sequence[str] | None = None) -> dict[str, int]:
    """The version of each scope (of ``scopes``, or all) as this statement sees it."""
    from openrem.charts.models import ChartDataVersion

    rows = ChartDataVersion.objects.using(using)
    if scopes is not None:
        rows = rows.filter(scope__in=list(scopes))
    return dict(rows.values_list("scope", "version"))


@dataclass(frozen=True)
class DataVersion:
    """The versions of some scopes as one statement read them."""

    fingerprint: str  # one text for all of them
    seq: int  # their sum: it grows with every change of any of them (versions only grow)


def read(scopes: Sequence[str], using: str = "default") -> DataVersion | None:
    """The versions of ``scopes`` read in one statement (a scope never changed counts as 0);
    ``None`` when the triggers are not installed (then nothing is stored or reused)."""
    found = versions(using, scopes)
    if GLOBAL not in found:
        return None
    text = ";".join(f"{scope}={found.get(scope, 0)}" for scope in sorted(scopes))
    return DataVersion(hashlib.sha256(text.encode()).hexdigest(), sum(found.values()))


def fingerprint(scopes: Sequence[str], using: str = "default") -> str | None:
    """The fingerprint of :func:`read`, or ``None``."""
    version = read(scopes, using)
    return version.fingerprint if version is not None else None


def last_change(scopes: Sequence[str], using: str = "default") -> datetime | None:
    """When the latest of ``scopes`` last changed (``None`` when none is recorded)."""
    from django.db.models import Max

    from openrem.charts.models import ChartDataVersion

    last: datetime | None = ChartDataVersion.objects.using(using).filter(scope__in=list(scopes)).aggregate(
        last=Max("changed_at"))["last"]
    return last
