"""The SQL of the rank index (:mod:`openrem.charts.rankindex`): its PostgreSQL functions, the
triggers of each table an indexed chart reads, and the statement that reads a family's values from
the data. Generated from the rank families (:mod:`openrem.charts.rankfamilies`); nothing here runs
a statement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from openrem.charts.rankfamilies import Family
from openrem.dose.models import Study

PREFIX = "openrem_rank"
ENTRY, BIN, FAMILY = "charts_rankentry", "charts_rankbin", "charts_rankfamily"

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


def q(name: str) -> str:
    return f'"{name}"'


def _types(family: Family) -> str:
    return ", ".join("'" + t.replace("'", "''") + "'" for t in family.modality_types)


def _add_call(fid: int, family: Family, row: str, study: str) -> str:
    cat = f"{study}.{q(family.category_column)}" if family.category_on_study else f"{row}.{q(family.category_column)}"
    acq = f"{row}.{q(family.acq_column)}" if family.acq_column else "''"
    value = f"{row}.{q(family.value_column)}"
    return (f"IF {study}.{q('modality_type')} IN ({_types(family)}) AND {value} IS NOT NULL THEN "
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


def _touch_study_events(family: Family) -> str:
    """Update the events of the study ``NEW`` to themselves, so that their triggers run again."""
    return (f"UPDATE {q(family.table)} e SET id = e.id FROM {q(family.dose_table)} d "
            f"WHERE e.{q(family.event_parent_column)} = d.id AND d.{q(family.dose_parent_column)} = NEW.id;")


def _touch_report_events(family: Family) -> str:
    """Update the events of the dose report ``NEW`` to themselves, so that their triggers run again."""
    return f"UPDATE {q(family.table)} e SET id = e.id WHERE e.{q(family.event_parent_column)} = NEW.id;"


def _event_function(table: str, fams: list[tuple[int, Family]]) -> str:
    first = fams[0][1]
    study_columns = sorted({f.category_column for _i, f in fams if f.category_on_study})
    select = ", ".join([f"s.{q('modality_type')} AS {q('modality_type')}",
                        *(f"s.{q(c)} AS {q(c)}" for c in study_columns)])
    adds = "\n            ".join(_add_call(fid, f, "NEW", "st") for fid, f in fams)
    return f"""
CREATE OR REPLACE FUNCTION {PREFIX}_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE st record;
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM {PREFIX}_remove({_ids([i for i, _f in fams])}, OLD.id); END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT {select} INTO st FROM {q(Study._meta.db_table)} s JOIN {q(first.dose_table)} d
            ON d.{q(first.dose_parent_column)} = s.id WHERE d.id = NEW.{q(first.event_parent_column)};
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
    return " OR ".join(f"OLD.{q(c)} IS DISTINCT FROM NEW.{q(c)}" for c in sorted(set(columns)))


def _study_triggers(fams: list[tuple[int, Family]], events: dict[str, list[tuple[int, Family]]]) -> list[str]:
    study = q(Study._meta.db_table)
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
        touches = "\n    ".join(_touch_study_events(group[0][1]) for group in events.values())
        out += [f"""
CREATE OR REPLACE FUNCTION {PREFIX}_study_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {touches}
    RETURN NULL;
END $$""", f"CREATE TRIGGER {PREFIX}_events AFTER UPDATE ON {study} FOR EACH ROW WHEN ({_changed(columns)}) "
           f"EXECUTE FUNCTION {PREFIX}_study_events()",
            # foreign keys are checked at commit: events written before their study are indexed when it comes
            f"CREATE TRIGGER {PREFIX}_events_insert AFTER INSERT ON {study} FOR EACH ROW "
            f"EXECUTE FUNCTION {PREFIX}_study_events()"]
    out.append(f"CREATE TRIGGER {PREFIX}_truncate AFTER TRUNCATE ON {study} FOR EACH STATEMENT "
               f"EXECUTE FUNCTION {PREFIX}_clear({', '.join(str(i) for i, _f in fams)})")
    return out


def _event_triggers(table: str, fams: list[tuple[int, Family]]) -> list[str]:
    first = fams[0][1]
    dose, ids = first.dose_table, ", ".join(str(i) for i, _f in fams)
    return [_event_function(table, fams),
            f"CREATE TRIGGER {PREFIX} AFTER INSERT OR UPDATE OR DELETE ON {q(table)} FOR EACH ROW "
            f"EXECUTE FUNCTION {PREFIX}_{table}()",
            f"CREATE TRIGGER {PREFIX}_truncate AFTER TRUNCATE ON {q(table)} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {PREFIX}_clear({ids})",
            f"""
CREATE OR REPLACE FUNCTION {PREFIX}_{dose}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_touch_report_events(first)}
    RETURN NULL;
END $$""",
            f"CREATE TRIGGER {PREFIX} AFTER UPDATE ON {q(dose)} FOR EACH ROW "
            f"WHEN ({_changed([first.dose_parent_column])}) EXECUTE FUNCTION {PREFIX}_{dose}()",
            f"CREATE TRIGGER {PREFIX}_insert AFTER INSERT ON {q(dose)} FOR EACH ROW EXECUTE FUNCTION {PREFIX}_{dose}()",
            f"CREATE TRIGGER {PREFIX}_truncate AFTER TRUNCATE ON {q(dose)} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {PREFIX}_clear({ids})"]


def trigger_statements(fams: list[tuple[int, Family]]) -> list[str]:
    """The functions and triggers of the families ``(id, family)``."""
    events = _by_event_table(fams)
    out = [BIN_SQL, SERIES_SQL, ADD_SQL, REMOVE_SQL, CLEAR_SQL]
    if fams:
        out += _study_triggers(fams, events)
    for table, group in events.items():
        out += _event_triggers(table, group)
    return out


def source_sql(fid: int, family: Family) -> str:
    """The rows of ``family`` as (source, category, acquisition type, value), from the data."""
    study = q(Study._meta.db_table)
    row = "s" if family.on_study else "e"
    cat = f"{'s' if family.category_on_study else 'e'}.{q(family.category_column)}"
    acq = f"e.{q(family.acq_column)}" if family.acq_column else "''"
    joins = (f"{study} s" if family.on_study else
             f"{q(family.table)} e JOIN {q(family.dose_table)} d ON e.{q(family.event_parent_column)} = d.id "
             f"JOIN {study} s ON d.{q(family.dose_parent_column)} = s.id")
    value = f"{row}.{q(family.value_column)}"
    return (f"SELECT {row}.id AS source, coalesce({cat}, '') AS cat, coalesce({acq}, '') AS acq, {value} AS value "
            f"FROM {joins} WHERE s.{q('modality_type')} IN ({_types(family)}) AND {value} IS NOT NULL")
