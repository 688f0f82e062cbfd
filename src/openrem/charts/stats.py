"""Grouped statistics computed by the database: counts, means, quartiles, fences, histogram bins.

Quartiles are linear-interpolation percentiles (PostgreSQL ``percentile_cont``: position
``p * (n - 1)`` in the sorted values). PostgreSQL computes everything in one statement and one
pass over the rows (so the joins of the filtered list run once): values are collected per group, each
group's values are sorted once, and the quartiles, whiskers and outliers are read off the sorted array. SQLite has no percentile
aggregate: it sends only the group keys and the one number of each row, ordered by group and value,
and the quartiles are read off the sorted values in Python (never ORM objects, never a DataFrame).

Boxplots: Tukey fences ``Q1 - 1.5 IQR`` and ``Q3 + 1.5 IQR``; the whiskers end at the last values
inside them; values outside are outliers (their number, and at most ``OUTLIER_CAP`` of the most
extreme on each side).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from typing import Any

from django.db import connections, transaction
from django.db.models import Count, QuerySet

OUTLIER_CAP = 25  # outliers sent per group and side (the most extreme ones)


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolation percentile of sorted ``values`` (same definition as ``percentile_cont``)."""
    pos = p * (len(values) - 1)
    low = math.floor(pos)
    high = min(low + 1, len(values) - 1)
    return values[low] + (pos - low) * (values[high] - values[low])


def _fences(q1: float, q3: float) -> tuple[float, float]:
    iqr = q3 - q1
    return q1 - 1.5 * iqr, q3 + 1.5 * iqr


def summarise_sorted(values: Sequence[float]) -> dict[str, Any]:
    """Count, mean, quartiles, whiskers and outliers of sorted ``values``."""
    q1, median, q3 = (percentile(values, p) for p in (0.25, 0.5, 0.75))
    low_fence, high_fence = _fences(q1, q3)
    inside = [v for v in values if low_fence <= v <= high_fence]
    low_out = [v for v in values if v < low_fence]
    high_out = [v for v in values if v > high_fence]
    return {"n": len(values), "mean": math.fsum(values) / len(values), "median": median, "q1": q1, "q3": q3,
            "min": values[0], "max": values[-1], "lower_whisker": inside[0] if inside else None,
            "upper_whisker": inside[-1] if inside else None, "n_outliers": len(low_out) + len(high_out),
            "outliers": low_out[:OUTLIER_CAP] + high_out[::-1][:OUTLIER_CAP][::-1]}


def _sqlite_summaries(qs: QuerySet[Any], keys: Sequence[str]) -> list[dict[str, Any]]:
    ordered = qs.values_list(*keys, "val").order_by(*keys, "val")
    out = []
    width = len(keys)
    for group, items in groupby(ordered.iterator(chunk_size=5000), key=lambda row: row[:width]):
        values = [row[width] for row in items]
        out.append({**dict(zip(keys, group, strict=True)), **summarise_sorted(values)})
    return out


def _pg_sql(inner: str, keys: Sequence[str]) -> str:
    """One pass over the rows: hash-grouped count, mean and unordered values, then each group's
    values sorted once; quartiles by index arithmetic (``percentile_cont``'s definition), fences and
    whiskers by binary search of the sorted array (``width_bucket(x, a)`` = number of values <= x)."""
    cols = ", ".join(f'"{k}"' for k in keys)
    return f"""
WITH g AS (SELECT {cols}, count(*) AS n, avg(val) AS mean, array_agg(val) AS a
           FROM ({inner}) r GROUP BY {cols}),
o AS MATERIALIZED (SELECT {cols}, n, mean, ARRAY(SELECT v FROM unnest(a) v ORDER BY v) AS a FROM g),
q AS (SELECT o.*, {_pg_percentile(0.25)} AS q1, {_pg_percentile(0.5)} AS median, {_pg_percentile(0.75)} AS q3
      FROM o),
f AS (SELECT q.*, q1 - 1.5 * (q3 - q1) AS lf, q3 + 1.5 * (q3 - q1) AS uf FROM q),
b AS (SELECT f.*, width_bucket(uf, a) AS m, width_bucket(lf, a) AS j FROM f),
k AS (SELECT b.*, CASE WHEN j = 0 THEN 0 WHEN a[j] < lf THEN j
                       ELSE (SELECT count(*) FROM unnest(a[1:j]) v WHERE v < lf) END AS k FROM b)
SELECT {cols}, n, mean, median, q1, q3, a[1], a[n], a[k + 1], a[m], k + n - m,
       a[1:least(k, {OUTLIER_CAP})], a[greatest(m + 1, n - {OUTLIER_CAP - 1}):n]
FROM k"""


def _pg_percentile(p: float) -> str:
    """``percentile_cont(p)`` of the sorted array ``a`` of ``n`` values (1-based): the value at
    position ``p * (n - 1)``, interpolated linearly between its neighbours."""
    pos = f"({p}::float8 * (n - 1))"
    low = f"(floor({pos})::int + 1)"
    high = f"least({low} + 1, n)"
    return f"(a[{low}] + ({pos} - floor({pos})) * (a[{high}] - a[{low}]))"


def pg_session(cursor: Any) -> None:
    """Settings for one aggregation transaction: no JIT compilation (it costs seconds and saves
    nothing here), enough memory to group and sort a million values without spilling to disk, and
    index probes costed as for cached data (a filtered list then reaches its dose reports and events
    through their parent indexes instead of scanning every dose report; unfiltered plans keep their
    hash joins)."""
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL work_mem = '128MB'")
    cursor.execute("SET LOCAL random_page_cost = 1.1")


def _pg_summaries(qs: QuerySet[Any], keys: Sequence[str]) -> list[dict[str, Any]]:
    inner, params = qs.values(*keys, "val").order_by().query.sql_with_params()
    with transaction.atomic(using=qs.db), connections[qs.db].cursor() as cursor:
        pg_session(cursor)
        cursor.execute(_pg_sql(inner, keys), params)
        rows = cursor.fetchall()
    width = len(keys)
    out = []
    for row in rows:
        n, mean, median, q1, q3, mn, mx, lo, hi, n_out, low_outs, high_outs = row[width:]
        out.append({**dict(zip(keys, row[:width], strict=True)), "n": n, "mean": mean, "median": median,
                    "q1": q1, "q3": q3, "min": mn, "max": mx, "lower_whisker": lo, "upper_whisker": hi,
                    "n_outliers": n_out, "outliers": [*(low_outs or []), *(high_outs or [])]})
    return out


def summaries(qs: QuerySet[Any], keys: Sequence[str]) -> list[dict[str, Any]]:
    """Per group of ``keys``: n, mean, median, q1, q3, min, max, whiskers, outliers of ``val``."""
    if connections[qs.db].vendor == "postgresql":
        return _pg_summaries(qs, keys)
    return _sqlite_summaries(qs, keys)


def counts(qs: QuerySet[Any], keys: Sequence[str]) -> list[dict[str, Any]]:
    """Number of rows per group of ``keys``."""
    return list(qs.values(*keys).annotate(n=Count("*")).order_by())


def histogram(qs: QuerySet[Any], bounds: dict[str, tuple[float, float]], bins: int) -> list[dict[str, Any]]:
    """Rows per (cat, sys, bin) where ``bounds[cat] = (low, high)``: ``bins`` equal bins from low to
    high, the last one closed (numpy's convention)."""
    if not bounds:
        return []
    inner, params = qs.values("cat", "sys", "val").order_by().query.sql_with_params()
    vendor = connections[qs.db].vendor
    floor = "FLOOR" if vendor == "postgresql" else "CAST"  # SQLite: CAST truncates; (val - lo) >= 0
    as_int = "AS INTEGER" if vendor != "postgresql" else ""
    values = ", ".join("(CAST(%s AS TEXT), CAST(%s AS DOUBLE PRECISION), CAST(%s AS DOUBLE PRECISION))"
                       for _ in bounds)
    widths = {c: ((hi - lo) / bins if hi > lo else 1.0) for c, (lo, hi) in bounds.items()}
    bound_params = [p for c, (lo, _hi) in bounds.items() for p in (c, lo, widths[c])]
    sql = f"""WITH r AS ({inner}), b(cat, lo, w) AS (VALUES {values})
SELECT cat, sys, CASE WHEN bin >= {bins} THEN {bins - 1} ELSE bin END AS bin, count(*) FROM (
  SELECT r.cat AS cat, r.sys AS sys, CAST({floor}((r.val - b.lo) / b.w {as_int}) AS INTEGER) AS bin
  FROM r JOIN b ON r.cat = b.cat) h GROUP BY 1, 2, 3"""
    with transaction.atomic(using=qs.db), connections[qs.db].cursor() as cursor:
        if vendor == "postgresql":
            pg_session(cursor)
        cursor.execute(sql, [*params, *bound_params])
        return [{"cat": c, "sys": s, "bin": b, "n": n} for c, s, b, n in cursor.fetchall()]


def group_rows(rows: Iterable[dict[str, Any]], key: str) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """``rows`` grouped by ``key`` (sorted first)."""
    ordered = sorted(rows, key=lambda r: r[key])
    for k, items in groupby(ordered, key=lambda r: r[key]):
        yield k, list(items)
