"""The rank index: the values of the indexed charts (:mod:`openrem.charts.rankfamilies`), kept by
PostgreSQL triggers in the same transaction as the data, so that exact quantiles over all studies
are read by rank instead of sorting every value (decision record 0009).

* ``charts_rankentry``: one row per value (family, source row, series, bin, value), indexed on
  (series, bin, value). A *series* is a hash of the family, the raw category name and the CT
  acquisition type; a *bin* is a monotonic function of the value (``openrem_rank_bin``: 32 bins
  per factor e), so that the values of a bin are few and every value of a lower bin is smaller.
* ``charts_rankbin``: how many values each (series, bin) holds and their sum. Triggers only append
  rows (+1 for a new value, -1 for a removed one): concurrent imports never wait for each other.
  :func:`compact` (the worker, every minute) merges them.

Triggers: every insert, update and delete of a study, of a dose report (its study changed) and of an
event of an indexed chart removes and adds that row's values; a study whose modality type or
category changes touches its events; ``TRUNCATE`` clears the families of the table. They are
installed after every ``migrate`` (with the chart data version triggers); a family that is new or
whose definition changed is rebuilt from the data at that moment. SQLite has no rank index: its
charts are always computed (:mod:`openrem.charts.stats`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import connections, transaction

from openrem.charts.rankfamilies import Family, families
from openrem.dose.models import Study

log = logging.getLogger("openrem.charts")

PREFIX = "openrem_rank"
ENTRY, BIN, FAMILY = "charts_rankentry", "charts_rankbin", "charts_rankfamily"
COMPACT_LOCK = 0x0E7A_11C5  # advisory lock: one merge of the bin rows at a time

BIN_SQL = f"""
CREATE OR REPLACE FUNCTION {PREFIX}_bin(v float8) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN v = 'NaN'::float8 THEN 2000000001
            WHEN v = 'Infinity'::float8 THEN 2000000000
            WHEN v = '-Infinity'::float8 THEN -2000000000
            WHEN v > 0 THEN floor(ln(v) * 32)::integer
            WHEN v = 0 THEN -1000000000
            ELSE -1000100000 - floor(ln(-v) * 32)::integer END $$"""

SERIES_SQL = f"""
CREATE OR REPLACE FUNCTION {PREFIX}_series(fam integer, cat text, acq text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT hashtextextended(fam::text || ':' || length(cat)::text || ':' || cat || ':' || acq, 0) $$"""

# PL/pgSQL, not SQL functions: PL/pgSQL keeps the plans of its statements for the session, a
# multi-statement SQL function plans them again on every call (once per imported row).
ADD_SQL = f"""
CREATE OR REPLACE FUNCTION {PREFIX}_add(fam integer, src bigint, cat text, acq text, v float8) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    c text := coalesce(cat, '');
    a text := coalesce(acq, '');
    s bigint := {PREFIX}_series(fam, coalesce(cat, ''), coalesce(acq, ''));
    b integer := {PREFIX}_bin(v);
BEGIN
    INSERT INTO {ENTRY} (family, source, series, bin, value) VALUES (fam, src, s, b, v);
    INSERT INTO {BIN} (family, series, bin, n, total, category, acq_type, merged) VALUES (fam, s, b, 1, v, c, a, false);
END $$"""

REMOVE_SQL = f"""
CREATE OR REPLACE FUNCTION {PREFIX}_remove(fams integer[], src bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS (DELETE FROM {ENTRY} WHERE family = ANY(fams) AND source = src
                  RETURNING family, series, bin, value)
    INSERT INTO {BIN} (family, series, bin, n, total, merged) SELECT family, series, bin, -1, -value, false FROM gone;
END $$"""

CLEAR_SQL = f"""
CREATE OR REPLACE FUNCTION {PREFIX}_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {ENTRY} WHERE family = ANY(TG_ARGV::integer[]);
    DELETE FROM {BIN} WHERE family = ANY(TG_ARGV::integer[]);
    RETURN NULL;
END $$"""


# Vacuum the entries after 1 % of new rows (not PostgreSQL's default of 20 %), so that the
# visibility map, which index-only scans need, stays current; the bin rows are rewritten by merging.
TABLE_SETTINGS = [f"ALTER TABLE {ENTRY} SET (autovacuum_vacuum_insert_scale_factor = 0.01, "
                  "autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02)",
                  f"ALTER TABLE {BIN} SET (autovacuum_vacuum_scale_factor = 0.05)"]


def _q(name: str) -> str:
    return f'"{name}"'


def _types(family: Family) -> str:
    return ", ".join("'" + t.replace("'", "''") + "'" for t in family.modality_types)


def _add_call(fid: int, family: Family, row: str, study: str) -> str:
    cat = f"{study}.{_q(family.category_column)}" if family.category_on_study else f"{row}.{_q(family.category_column)}"
    acq = f"{row}.{_q(family.acq_column)}" if family.acq_column else "''"
    value = f"{row}.{_q(family.value_column)}"
    return (f"IF {study}.{_q('modality_type')} IN ({_types(family)}) AND {value} IS NOT NULL THEN "
            f"PERFORM {PREFIX}_add({fid}::integer, {row}.id, {cat}, {acq}, {value}); END IF;")


def _ids(fids: Sequence[int]) -> str:
    return f"ARRAY[{', '.join(str(i) for i in fids)}]::integer[]"


def _study_function(fams: list[tuple[int, Family]]) -> str:
    adds = "\n        ".join(_add_call(fid, f, "NEW", "NEW") for fid, f in fams)
    return f"""
CREATE OR REPLACE FUNCTION {PREFIX}_study() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM {PREFIX}_remove({_ids([i for i, _f in fams])}, OLD.id); END IF;
    IF TG_OP <> 'DELETE' THEN
        {adds}
    END IF;
    RETURN NULL;
END $$"""


def _touch(event_table: str, dose_table: str, event_parent: str, dose_parent: str, dose_id: str) -> str:
    """Update the events of a dose report (or of a study) to themselves, so their triggers run again."""
    if dose_id == "study":
        return (f"UPDATE {_q(event_table)} e SET id = e.id FROM {_q(dose_table)} d "
                f"WHERE e.{_q(event_parent)} = d.id AND d.{_q(dose_parent)} = NEW.id;")
    return f"UPDATE {_q(event_table)} e SET id = e.id WHERE e.{_q(event_parent)} = NEW.id;"


def _event_function(table: str, fams: list[tuple[int, Family]]) -> str:
    first = fams[0][1]
    study_columns = sorted({f.category_column for _i, f in fams if f.category_on_study})
    select = ", ".join([f"s.{_q('modality_type')} AS {_q('modality_type')}",
                        *(f"s.{_q(c)} AS {_q(c)}" for c in study_columns)])
    adds = "\n            ".join(_add_call(fid, f, "NEW", "st") for fid, f in fams)
    return f"""
CREATE OR REPLACE FUNCTION {PREFIX}_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE st record;
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM {PREFIX}_remove({_ids([i for i, _f in fams])}, OLD.id); END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT {select} INTO st FROM {_q(Study._meta.db_table)} s JOIN {_q(first.dose_table)} d
            ON d.{_q(first.dose_parent_column)} = s.id WHERE d.id = NEW.{_q(first.event_parent_column)};
        IF FOUND THEN
            {adds}
        END IF;
    END IF;
    RETURN NULL;
END $$"""


def _by_event_table(fams: list[tuple[int, Family]]) -> dict[str, list[tuple[int, Family]]]:
    grouped: dict[str, list[tuple[int, Family]]] = defaultdict(list)
    for fid, family in fams:
        if not family.on_study:
            grouped[family.table].append((fid, family))
    return dict(grouped)


def _changed(columns: Sequence[str]) -> str:
    return " OR ".join(f"OLD.{_q(c)} IS DISTINCT FROM NEW.{_q(c)}" for c in sorted(set(columns)))


def _study_triggers(fams: list[tuple[int, Family]], events: dict[str, list[tuple[int, Family]]]) -> list[str]:
    study = _q(Study._meta.db_table)
    out: list[str] = []
    on_study = [(i, f) for i, f in fams if f.on_study]
    if on_study:
        columns = ["id", "modality_type", *(c for _i, f in on_study for c in (f.value_column, f.category_column))]
        out += [_study_function(on_study),
                f"CREATE TRIGGER {PREFIX} AFTER INSERT OR DELETE ON {study} FOR EACH ROW "
                f"EXECUTE FUNCTION {PREFIX}_study()",
                f"CREATE TRIGGER {PREFIX}_update AFTER UPDATE ON {study} FOR EACH ROW "
                f"WHEN ({_changed(columns)}) EXECUTE FUNCTION {PREFIX}_study()"]
    if events:
        columns = ["id", "modality_type", *(f.category_column for g in events.values() for _i, f in g
                                            if f.category_on_study)]
        touches = "\n    ".join(_touch(t, g[0][1].dose_table, g[0][1].event_parent_column,
                                       g[0][1].dose_parent_column, "study") for t, g in events.items())
        out += [f"""
CREATE OR REPLACE FUNCTION {PREFIX}_study_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {touches}
    RETURN NULL;
END $$""", f"CREATE TRIGGER {PREFIX}_events AFTER UPDATE ON {study} FOR EACH ROW WHEN ({_changed(columns)}) "
           f"EXECUTE FUNCTION {PREFIX}_study_events()"]
    out.append(f"CREATE TRIGGER {PREFIX}_truncate AFTER TRUNCATE ON {study} FOR EACH STATEMENT "
               f"EXECUTE FUNCTION {PREFIX}_clear({', '.join(str(i) for i, _f in fams)})")
    return out


def _event_triggers(table: str, fams: list[tuple[int, Family]]) -> list[str]:
    first = fams[0][1]
    dose, ids = first.dose_table, ", ".join(str(i) for i, _f in fams)
    return [_event_function(table, fams),
            f"CREATE TRIGGER {PREFIX} AFTER INSERT OR UPDATE OR DELETE ON {_q(table)} FOR EACH ROW "
            f"EXECUTE FUNCTION {PREFIX}_{table}()",
            f"CREATE TRIGGER {PREFIX}_truncate AFTER TRUNCATE ON {_q(table)} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {PREFIX}_clear({ids})",
            f"""
CREATE OR REPLACE FUNCTION {PREFIX}_{dose}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_touch(table, dose, first.event_parent_column, first.dose_parent_column, "dose")}
    RETURN NULL;
END $$""",
            f"CREATE TRIGGER {PREFIX} AFTER UPDATE ON {_q(dose)} FOR EACH ROW "
            f"WHEN ({_changed([first.dose_parent_column])}) EXECUTE FUNCTION {PREFIX}_{dose}()",
            f"CREATE TRIGGER {PREFIX}_truncate AFTER TRUNCATE ON {_q(dose)} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {PREFIX}_clear({ids})"]


def _drop_statements(cursor: Any) -> list[str]:
    cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
                   [f"{PREFIX}%"])
    return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in cursor.fetchall()]


def trigger_statements(fams: list[tuple[int, Family]]) -> list[str]:
    """The functions and triggers of the families ``(id, family)``."""
    events = _by_event_table(fams)
    out = [BIN_SQL, SERIES_SQL, ADD_SQL, REMOVE_SQL, CLEAR_SQL]
    if fams:
        out += _study_triggers(fams, events)
    for table, group in events.items():
        out += _event_triggers(table, group)
    return out


def _source_sql(fid: int, family: Family) -> str:
    """The rows of ``family`` as (source, category, acquisition type, value), from the data."""
    study = _q(Study._meta.db_table)
    row = "s" if family.on_study else "e"
    cat = f"{'s' if family.category_on_study else 'e'}.{_q(family.category_column)}"
    acq = f"e.{_q(family.acq_column)}" if family.acq_column else "''"
    joins = (f"{study} s" if family.on_study else
             f"{_q(family.table)} e JOIN {_q(family.dose_table)} d ON e.{_q(family.event_parent_column)} = d.id "
             f"JOIN {study} s ON d.{_q(family.dose_parent_column)} = s.id")
    value = f"{row}.{_q(family.value_column)}"
    return (f"SELECT {row}.id AS source, coalesce({cat}, '') AS cat, coalesce({acq}, '') AS acq, {value} AS value "
            f"FROM {joins} WHERE s.{_q('modality_type')} IN ({_types(family)}) AND {value} IS NOT NULL")


def rebuild(cursor: Any, fid: int, family: Family) -> None:
    """Replace the rows of one family by those of the data (set-based; used when a family is new,
    its definition changed, or by ``openrem chartindex --rebuild``)."""
    cursor.execute(f"DELETE FROM {ENTRY} WHERE family = %s", [fid])
    cursor.execute(f"DELETE FROM {BIN} WHERE family = %s", [fid])
    f = f"{fid}::integer"
    cursor.execute(f"""
WITH src AS MATERIALIZED ({_source_sql(fid, family)}),
ins AS (INSERT INTO {ENTRY} (family, source, series, bin, value)
        SELECT {f}, source, {PREFIX}_series({f}, cat, acq), {PREFIX}_bin(value), value FROM src)
INSERT INTO {BIN} (family, series, bin, n, total, category, acq_type, merged)
SELECT {f}, {PREFIX}_series({f}, cat, acq), {PREFIX}_bin(value), count(*), sum(value), cat, acq, true
FROM src GROUP BY cat, acq, {PREFIX}_bin(value)""")


def _lock_sources(cursor: Any, fams: list[tuple[int, Family]]) -> None:
    """No study or event is written while the index is rebuilt (the install runs at ``migrate``)."""
    tables = sorted({Study._meta.db_table, *(t for _i, f in fams if not f.on_study
                                             for t in (f.table, f.dose_table))})
    cursor.execute(f"LOCK TABLE {', '.join(_q(t) for t in tables)} IN SHARE MODE")


def _family_ids(rows: Any) -> tuple[list[tuple[int, Family]], list[tuple[int, Family]]]:
    """(id, family) of every family, and those to rebuild (new, changed or never built)."""
    from openrem.charts.models import RankFamily

    current = {f.key: f for f in families()}
    RankFamily.objects.using(rows).exclude(key__in=list(current)).delete()
    known = {r.key: r for r in RankFamily.objects.using(rows).all()}
    out, stale = [], []
    for key, family in current.items():
        row = known.get(key)
        if row is None:
            row = RankFamily.objects.using(rows).create(key=key, signature=family.signature, ready=False)
        out.append((row.id, family))
        if not row.ready or row.signature != family.signature:
            stale.append((row.id, family))
    return out, stale


def install(using: str = "default") -> int:
    """(Re)create the rank index triggers; rebuild the families that are new or changed; drop the
    rows of families that are gone. PostgreSQL only. Returns the number of families rebuilt."""
    from openrem.charts.models import RankFamily

    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        fams, stale = _family_ids(using)
        if stale:
            _lock_sources(cursor, fams)
        for statement in _drop_statements(cursor) + trigger_statements(fams) + TABLE_SETTINGS:
            cursor.execute(statement)
        known = [i for i, _f in fams]
        cursor.execute(f"DELETE FROM {ENTRY} WHERE NOT (family = ANY(%s))", [known])
        cursor.execute(f"DELETE FROM {BIN} WHERE NOT (family = ANY(%s))", [known])
        for fid, family in stale:
            rebuild(cursor, fid, family)
            RankFamily.objects.using(using).filter(id=fid).update(signature=family.signature, ready=True)
    if stale:
        log.info("rank index rebuilt for %s", ", ".join(f.key for _i, f in stale))
        vacuum(using)
    return len(stale)


def vacuum(using: str = "default") -> None:
    """``VACUUM ANALYZE`` the index tables when outside a transaction: the values are read by
    index-only scans, which skip the table only for pages the visibility map marks all-visible
    (4-8x faster reads right after a rebuild)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {ENTRY}, {BIN}")


def rebuild_all(using: str = "default") -> int:
    """Rebuild every family from the data (after a bulk load that bypassed the triggers)."""
    from openrem.charts.models import RankFamily

    if connections[using].vendor != "postgresql":
        return 0
    RankFamily.objects.using(using).update(ready=False)
    return install(using)


def drop_triggers(connection: Any) -> None:
    """Remove the rank index triggers (PostgreSQL), e.g. when the charts' tables are migrated away."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in _drop_statements(cursor):
            cursor.execute(statement)


def uninstall(using: str = "default") -> None:
    """Remove the rank index triggers and mark every family not ready (charts are then computed)."""
    from openrem.charts.models import RankFamily

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in _drop_statements(cursor):
            cursor.execute(statement)
        RankFamily.objects.using(using).update(ready=False)


def compact(using: str = "default") -> int:
    """Merge the appended bin rows into one row per (series, bin); returns the rows merged. Runs
    in one statement (one snapshot): rows appended meanwhile are merged next time."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [COMPACT_LOCK])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(f"""
WITH todo AS (SELECT DISTINCT series, bin FROM {BIN} WHERE NOT merged),
gone AS (DELETE FROM {BIN} b USING todo t WHERE b.series = t.series AND b.bin = t.bin
         RETURNING b.family, b.series, b.bin, b.n, b.total, b.category, b.acq_type),
merged AS (INSERT INTO {BIN} (family, series, bin, n, total, category, acq_type, merged)
           SELECT family, series, bin, sum(n), sum(total), max(category), max(acq_type), true FROM gone
           GROUP BY family, series, bin HAVING sum(n) <> 0)
SELECT count(*) FROM gone""")
        return int(cursor.fetchone()[0])


def verify(using: str = "default") -> dict[str, int]:
    """Per family key: the number of values or bin counts that differ from the data (0 = exact)."""
    from openrem.charts.models import RankFamily

    connection = connections[using]
    out: dict[str, int] = {}
    ids = dict(RankFamily.objects.using(using).values_list("key", "id"))
    with connection.cursor() as cursor:
        for family in families():
            fid = ids.get(family.key)
            if fid is None:
                out[family.key] = -1
                continue
            f = f"{fid}::integer"
            cursor.execute(f"""
WITH src AS ({_source_sql(fid, family)}),
want AS (SELECT source, {PREFIX}_series({f}, cat, acq) AS series, {PREFIX}_bin(value) AS bin, value FROM src),
have AS (SELECT source, series, bin, value FROM {ENTRY} WHERE family = {f}),
counted AS (SELECT series, bin, count(*) AS n FROM have GROUP BY series, bin),
binned AS (SELECT series, bin, sum(n) AS n FROM {BIN} WHERE family = {f} GROUP BY series, bin HAVING sum(n) <> 0)
SELECT (SELECT count(*) FROM want w FULL JOIN have h ON w.source = h.source
        WHERE w.source IS NULL OR h.source IS NULL OR w.series <> h.series OR w.bin <> h.bin OR w.value <> h.value)
     + (SELECT count(*) FROM counted c FULL JOIN binned b ON c.series = b.series AND c.bin = b.bin
        WHERE c.n IS DISTINCT FROM b.n)""")
            out[family.key] = int(cursor.fetchone()[0])
    return out
