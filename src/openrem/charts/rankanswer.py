"""The numbers of an indexed average chart read from the rank index (:mod:`openrem.charts.rankindex`).

Same numbers as :func:`openrem.charts.stats.summaries` (linear-interpolation quartiles at position
``p * (n - 1)``, Tukey fences, whiskers at the last values inside them, outliers capped per side),
but each is read at its rank: the bin counts of a category give the bin that holds a rank, and only
the values of that bin are read, in order, from the index. Four statements per chart whatever the
number of studies: the bin counts, the values at the quartile ranks, the ranks of the fences, the
values at the whisker and outlier ranks. The mean is the sum of the bin sums over the count.

Used for the whole list of a modality (no filter), systems pooled and no histogram; anything else
is computed (:mod:`openrem.charts.compute`).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.db.models import F, QuerySet

from openrem.charts.options import ChartOptions
from openrem.charts.query import normalise
from openrem.charts.rankfamilies import Family
from openrem.charts.ranktriggers import BIN, ENTRY, PREFIX
from openrem.charts.stats import OUTLIER_CAP, percentile


@dataclass
class Group:
    """One category: its series and, per bin in order, the number of values before it."""

    cat: str
    series: set[int] = field(default_factory=set)
    counts: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    total: float = 0.0
    bins: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # rank of the first value of each bin
    n: int = 0

    def add(self, series: list[int], bins: list[int], counts: list[int], total: float) -> None:
        self.series.update(series)
        for b, c in zip(bins, counts, strict=True):
            self.counts[b] += c
        self.total += total

    def close(self) -> None:
        self.bins = sorted(b for b, c in self.counts.items() if c > 0)
        self.starts = [0, *accumulate(self.counts[b] for b in self.bins)]
        self.n = self.starts.pop()

    def locate(self, rank: int) -> tuple[int, int]:
        """(bin, offset in the bin) of ``rank``."""
        i = bisect_right(self.starts, rank) - 1
        return self.bins[i], rank - self.starts[i]

    def before(self, bin_: int) -> int:
        """Number of values in the bins below ``bin_``."""
        i = bisect_right(self.bins, bin_ - 1)
        return self.starts[i] if i < len(self.bins) else self.n


# Per series: its raw category name and acquisition type, its bins in order with their counts, and
# the sum of its values. A (series, bin) sums its appended and merged rows; the names of a series are
# on every row appended for one of its values (and on the merged rows).
GROUPS_SQL = f"""
WITH b AS (SELECT series, bin, sum(n) AS n, sum(total) AS total FROM {BIN} WHERE family = %(fid)s
           GROUP BY series, bin HAVING sum(n) > 0),
s AS (SELECT series, array_agg(bin ORDER BY bin) AS bins, array_agg(n::bigint ORDER BY bin) AS ns,
             sum(total) AS total FROM b GROUP BY series),
k AS (SELECT DISTINCT ON (series) series, category, acq_type FROM {BIN}
      WHERE family = %(fid)s AND category IS NOT NULL ORDER BY series)
SELECT k.category, k.acq_type, s.series, s.bins, s.ns, s.total FROM s JOIN k ON k.series = s.series"""


def _groups(cursor: Any, using: str, fid: int, options: ChartOptions, acq_types: list[str] | None) -> list[Group]:
    cursor.execute(GROUPS_SQL, {"fid": fid})
    found = [row for row in cursor.fetchall() if acq_types is None or row[1] in acq_types]
    names = _normalised(fid, options, using) if options.trim_whitespace or options.case_insensitive else {}
    groups: dict[str, Group] = {}
    for category, _acq, series, bins, counts, total in found:
        cat = names.get(category, category)
        groups.setdefault(cat, Group(cat)).add([series], bins, counts, total)
    for group in groups.values():
        group.close()
    return [g for g in groups.values() if g.n > 0]


def _normalised(fid: int, options: ChartOptions, using: str) -> dict[str, str]:
    """Each raw category name of the family as the options group it, by the database (the same
    expression as a computed chart, so case folding and whitespace agree to the byte)."""
    from openrem.charts.models import RankBin

    rows = RankBin.objects.using(using).filter(family=fid, category__isnull=False)
    named = rows.annotate(norm=normalise(F("category"), options)).values_list("category", "norm").distinct()
    return {str(c): str(n) for c, n in named}


def _values_at(cursor: Any, wanted: dict[tuple[int, int], Group]) -> dict[tuple[int, int], float]:
    """The value at each (group index, rank), read from the index: per bin, the values from the
    first to the last offset asked for, in order."""
    ranges: dict[tuple[int, int], list[int]] = defaultdict(list)
    series = {}
    for (gi, rank), group in wanted.items():
        bin_, offset = group.locate(rank)
        ranges[(gi, bin_)].append(offset)
        series[gi] = group.series
    if not ranges:
        return {}
    items = [{"i": gi, "b": b, "o": min(offs), "l": max(offs) - min(offs) + 1, "s": sorted(series[gi])}
             for (gi, b), offs in ranges.items()]
    cursor.execute(f"""
SELECT q.i, q.b, q.o, ARRAY(SELECT value FROM {ENTRY} e WHERE e.series = ANY(q.s) AND e.bin = q.b
                            ORDER BY value OFFSET q.o LIMIT q.l)
FROM jsonb_to_recordset(%s::jsonb) AS q(i int, b int, o int, l int, s bigint[])""", [json.dumps(items)])
    found: dict[tuple[int, int, int], float] = {}
    for gi, bin_, first, values in cursor.fetchall():
        for k, v in enumerate(values):
            found[(gi, bin_, first + k)] = v
    out = {}
    for (gi, rank), group in wanted.items():
        bin_, offset = group.locate(rank)
        out[(gi, rank)] = found[(gi, bin_, offset)]
    return out


def _count_below(cursor: Any, asks: list[tuple[int, Group, float, bool]]) -> dict[tuple[int, bool], int]:
    """Per (group index, inclusive): the number of values below (``inclusive``: at most) x."""
    if not asks:
        return {}
    items = json.dumps([{"i": gi, "inc": inc, "s": sorted(g.series), "k": k}
                        for k, (gi, g, _x, inc) in enumerate(asks, start=1)])
    cursor.execute(f"""
SELECT q.i, q.inc, {PREFIX}_bin(x.x),
       (SELECT count(*) FROM {ENTRY} e WHERE e.series = ANY(q.s) AND e.bin = {PREFIX}_bin(x.x)
        AND (e.value < x.x OR (q.inc AND e.value = x.x)))
FROM jsonb_to_recordset(%s::jsonb) AS q(i int, inc boolean, s bigint[], k bigint)
JOIN unnest(%s::float8[]) WITH ORDINALITY AS x(x, k) ON x.k = q.k""", [items, [a[2] for a in asks]])
    groups = {a[0]: a[1] for a in asks}
    return {(gi, inc): groups[gi].before(bin_) + int(n) for gi, inc, bin_, n in cursor.fetchall()}


def _quartile_ranks(n: int) -> list[int]:
    ranks = {0, n - 1}
    for p in (0.25, 0.5, 0.75):
        low = math.floor(p * (n - 1))
        ranks.update({low, min(low + 1, n - 1)})
    return sorted(ranks)


def _summaries(cursor: Any, groups: list[Group]) -> list[dict[str, Any]]:
    first = _values_at(cursor, {(gi, r): g for gi, g in enumerate(groups) for r in _quartile_ranks(g.n)})
    stats: list[dict[str, Any]] = []
    asks = []
    for gi, g in enumerate(groups):
        ordered = _Sparse(first, gi, g.n)
        q1, median, q3 = (percentile(ordered, p) for p in (0.25, 0.5, 0.75))
        iqr = q3 - q1
        low_fence, high_fence = q1 - 1.5 * iqr, q3 + 1.5 * iqr
        stats.append({"cat": g.cat, "sys": "", "n": g.n, "mean": g.total / g.n, "median": median, "q1": q1,
                      "q3": q3, "min": first[(gi, 0)], "max": first[(gi, g.n - 1)]})
        asks += [(gi, g, low_fence, False), (gi, g, high_fence, True)]
    below = _count_below(cursor, asks)
    wanted: dict[tuple[int, int], Group] = {}
    for gi, g in enumerate(groups):
        k, m = below[(gi, False)], below[(gi, True)]
        ranks = [*range(min(k, OUTLIER_CAP)), *range(max(m, g.n - OUTLIER_CAP), g.n)]
        ranks += [r for r in (k, m - 1) if 0 <= r < g.n and k <= r < m]
        wanted.update({(gi, r): g for r in ranks})
    values = _values_at(cursor, wanted)
    for gi, g in enumerate(groups):
        k, m = below[(gi, False)], below[(gi, True)]
        inside = k < m
        stats[gi].update({
            "lower_whisker": values[(gi, k)] if inside else None,
            "upper_whisker": values[(gi, m - 1)] if inside else None,
            "n_outliers": k + g.n - m,
            "outliers": [values[(gi, r)] for r in range(min(k, OUTLIER_CAP))]
            + [values[(gi, r)] for r in range(max(m, g.n - OUTLIER_CAP), g.n)]})
    return stats


class _Sparse(Sequence[float]):
    """The sorted values of one group where only some ranks are known (for ``percentile``)."""

    def __init__(self, known: dict[tuple[int, int], float], gi: int, n: int) -> None:
        self.known, self.gi, self.n = known, gi, n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, rank: Any) -> Any:
        return self.known[(self.gi, rank)]


def summaries(using: str, fid: int, options: ChartOptions, acq_types: list[str] | None) -> list[dict[str, Any]]:
    """Per category: n, mean, median, q1, q3, min, max, whiskers and outliers, as
    :func:`openrem.charts.stats.summaries` gives them for the rows of the family (``acq_types``: the
    CT acquisition type codes kept; ``None`` keeps all), read in one snapshot."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if outermost:  # else the caller's transaction is the snapshot (results: REPEATABLE READ)
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        groups = _groups(cursor, using, fid, options, acq_types)
        return _summaries(cursor, groups) if groups else []


def ready_family(using: str, family: Family | None) -> int | None:
    """The id of ``family`` when its rows are built and kept by the triggers, else ``None``."""
    if family is None or connections[using].vendor != "postgresql":
        return None
    from openrem.charts.models import RankFamily

    try:
        with transaction.atomic(using=using):  # a savepoint: a missing table must not end the transaction
            row = RankFamily.objects.using(using).filter(key=family.key, ready=True, signature=family.signature
                                                         ).values_list("id", flat=True).first()
    except DatabaseError:  # the charts' migrations reversed: no index, the charts are computed
        return None
    return int(row) if row is not None else None


def is_whole_list(studies: QuerySet[Any], base: QuerySet[Any]) -> bool:
    """True when ``studies`` is the modality's whole list (no filter applied)."""
    mine = studies.order_by().select_related(None).query.sql_with_params()
    return mine == base.order_by().query.sql_with_params()

