"""The data of one chart: the declaration's kind decides which aggregate the database computes.

Every number is in the stored unit of the measure (``unit``); ``display_unit`` and
``display_scale`` say what the page plots (stored x scale). Categories named by nothing (NULL or
empty) are ``"Blank"``; ``system`` is ``None`` when all systems are pooled.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, DateField, IntegerField, QuerySet, Value, When
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, Mod, Trunc

from openrem.charts import rankanswer, results, stats, versioning
from openrem.charts.options import ChartOptions
from openrem.charts.query import BLANK, rows, series, study_date, study_datetime, with_value
from openrem.charts.rankfamilies import indexed
from openrem.dose.models import Study
from openrem.modalities.base import Modality
from openrem.modalities.chartdefs import Chart, ChartKind, Measure

MAX_POINTS = 5000  # scatter plots show at most this many points (every k-th row by primary key above it)
THICKNESS_EDGES = (20, 30, 40, 50, 60, 70, 80, 90)  # mm; bins <20, 20-30, ..., 80-90, >=90


def blank(name: Any) -> str:
    return "Blank" if name in (None, BLANK) else str(name)


def _system(name: Any, pooled: bool) -> str | None:
    return None if pooled else blank(name)


def _measure_json(measure: Measure | None) -> dict[str, Any] | None:
    if measure is None:
        return None
    return {"key": measure.key, "label": str(measure.label), "unit": measure.unit,
            "display_unit": measure.shown_unit, "display_scale": measure.display_scale}


def describe(modality: Modality, chart: Chart) -> dict[str, Any]:
    """What the chart list of the API gives per chart."""
    return {"id": chart.id, "title": str(chart.title), "kind": chart.kind.value, "level": chart.level.value,
            "grouping": str(chart.grouping.label), "unit": chart.unit,
            "display_unit": chart.measure.shown_unit if chart.measure and chart.unit else "",
            "measure": _measure_json(chart.measure), "x": _measure_json(chart.x), "default": chart.default}


def _order(rows_: list[dict[str, Any]], options: ChartOptions, sort_by: str, value_key: str) -> list[str]:
    """Category names in the user's order: by name, by number of rows or by value."""
    totals: dict[str, float] = defaultdict(float)
    values: dict[str, list[float]] = defaultdict(list)
    for row in rows_:
        totals[row["category"]] += row["n"]
        if row.get(value_key) is not None:
            values[row["category"]].append(row[value_key])

    def key(name: str) -> Any:
        if sort_by == "name":
            return name.casefold()
        if sort_by == "value" and values[name]:
            return math.fsum(values[name]) / len(values[name])
        return totals[name]

    return sorted(totals, key=key, reverse=options.sort_direction == "desc")


def _shape(raw: list[dict[str, Any]], pooled: bool, extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    out = []
    for r in raw:
        row = {"category": blank(r["cat"]), "system": _system(r["sys"], pooled)}
        row.update({k: v for k, v in r.items() if k not in ("cat", "sys")})
        for key in extra:  # dates (PostgreSQL's date_trunc gives a timestamp: its date is meant)
            value_ = row.get(key)
            if isinstance(value_, dt.datetime):
                value_ = value_.date()
            if isinstance(value_, dt.date):
                row[key] = value_.isoformat()
        out.append(row)
    return out


def _histogram(qs: QuerySet[Any], summary: list[dict[str, Any]], options: ChartOptions,
               pooled: bool) -> dict[str, Any]:
    bounds: dict[str, tuple[float, float]] = {}
    for r in summary:
        low, high = bounds.get(r["cat"], (r["min"], r["max"]))
        bounds[r["cat"]] = (min(low, r["min"]), max(high, r["max"]))
    if options.fixed_bins and bounds:
        low, high = min(b[0] for b in bounds.values()), max(b[1] for b in bounds.values())
        bounds = {c: (low, high) for c in bounds}
    bins = options.histogram_bins
    counts = stats.histogram(qs, bounds, bins)
    edges = {blank(c): [lo + i * ((hi - lo) / bins if hi > lo else 1.0) for i in range(bins + 1)]
             for c, (lo, hi) in bounds.items()}
    return {"bins": bins, "edges": edges, "rows": _shape(counts, pooled)}


def _average(chart: Chart, base: QuerySet[Any], options: ChartOptions, pooled: bool) -> dict[str, Any]:
    assert chart.measure is not None
    qs = with_value(base, chart, chart.measure)
    summary = stats.summaries(qs, ["cat", "sys"])
    out: dict[str, Any] = {"rows": _shape(summary, pooled)}
    if options.histograms:
        out["histogram"] = _histogram(qs, summary, options, pooled)
    return out


PERIOD_KINDS = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}


def _over_time(chart: Chart, base: QuerySet[Any], period: str, pooled: bool) -> dict[str, Any]:
    assert chart.measure is not None
    qs = with_value(base, chart, chart.measure).filter(**{f"{study_date(chart)}__isnull": False})
    qs = qs.annotate(period=Trunc(study_date(chart), PERIOD_KINDS[period], output_field=DateField()))
    summary = stats.summaries(qs, ["cat", "sys", "period"])
    return {"period": period, "rows": _shape(summary, pooled, ("period",))}


def _workload(chart: Chart, base: QuerySet[Any], pooled: bool) -> dict[str, Any]:
    path = study_datetime(chart)
    qs = base.filter(**{f"{path}__isnull": False}).annotate(weekday=ExtractIsoWeekDay(path), hour=ExtractHour(path))
    raw = stats.counts(qs, ["sys", "weekday", "hour"])
    return {"rows": [{"system": _system(r["sys"], pooled), "weekday": r["weekday"], "hour": r["hour"], "n": r["n"]}
                     for r in sorted(raw, key=lambda r: (r["sys"], r["weekday"], r["hour"]))]}


def _scatter(chart: Chart, base: QuerySet[Any], pooled: bool) -> dict[str, Any]:
    assert chart.measure is not None and chart.x is not None
    qs = with_value(with_value(base, chart, chart.measure), chart, chart.x, "x")
    total = qs.count()
    step = max(1, math.ceil(total / MAX_POINTS))
    if step > 1:
        qs = qs.annotate(pick=Mod("pk", step)).filter(pick=0)
    points = [{"category": blank(c), "system": _system(s, pooled), "x": x, "y": y}
              for c, s, x, y in qs.order_by("pk").values_list("cat", "sys", "x", "val")[:MAX_POINTS]]
    return {"total": total, "shown": len(points), "sampled": step > 1, "max_points": MAX_POINTS, "points": points}


def thickness_bin() -> Any:
    """Bin number 0..8 of the compressed thickness ``x`` (mm)."""
    whens = [When(x__lt=edge, then=Value(i)) for i, edge in enumerate(THICKNESS_EDGES)]
    return Case(*whens, default=Value(len(THICKNESS_EDGES)), output_field=IntegerField())


def thickness_labels() -> list[str]:
    edges = THICKNESS_EDGES
    return [f"<{edges[0]}", *(f"{a}-{b}" for a, b in zip(edges, edges[1:], strict=False)), f"≥{edges[-1]}"]


def _binned(chart: Chart, base: QuerySet[Any], pooled: bool) -> dict[str, Any]:
    assert chart.measure is not None and chart.x is not None
    qs = with_value(with_value(base, chart, chart.measure), chart, chart.x, "x").annotate(bin=thickness_bin())
    summary = _shape(stats.summaries(qs, ["cat", "sys", "bin"]), pooled)
    labels = thickness_labels()
    for row in summary:
        row["bin_label"] = labels[row["bin"]]
    return {"bin_labels": labels, "rows": summary}


def _drl(modality: Modality, chart: Chart, categories: list[str], options: ChartOptions) -> dict[str, Any] | None:
    """The DRL line of the chart per category (``openrem.drl.lookup``), in the measure's stored unit."""
    from openrem.drl.lookup import chart_drl_lines

    assert chart.measure is not None
    return chart_drl_lines(modality.slug, chart.grouping.standard, chart.grouping.path, chart.measure.drl_quantity,
                           chart.measure.unit, categories, options.drl_set)


def _aggregate(chart: Chart, base: QuerySet[Any], options: ChartOptions, period: str, pooled: bool) -> dict[str, Any]:
    """The numbers of ``chart`` over its rows ``base``: the aggregate its kind asks the database for."""
    if chart.kind == ChartKind.AVERAGE:
        return _average(chart, base, options, pooled)
    if chart.kind == ChartKind.FREQUENCY:
        return {"rows": _shape(stats.counts(base, ["cat", "sys"]), pooled)}
    if chart.kind == ChartKind.OVER_TIME:
        return _over_time(chart, base, period, pooled)
    if chart.kind == ChartKind.WORKLOAD:
        return _workload(chart, base, pooled)
    if chart.kind == ChartKind.SCATTER:
        return _scatter(chart, base, pooled)
    return _binned(chart, base, pooled)


def _result_parts(modality: Modality, chart: Chart, row_query: tuple[str, Any], options: ChartOptions,
                  period: str, pooled: bool) -> list[Any]:
    """What decides the numbers of a request: the row query (SQL and parameters; every list filter
    and row option is in it) and the options that shape the aggregation."""
    sql, params = row_query
    return [modality.slug, chart.id, sql, [str(p) for p in params], pooled, period, options.histograms,
            options.histogram_bins, options.fixed_bins, MAX_POINTS, THICKNESS_EDGES]


@dataclass(frozen=True)
class ChartRequest:
    """One chart over some studies with some options: what decides its numbers, what its rows read
    and how to compute them."""

    parts: list[Any]
    scopes: list[str]
    compute: Callable[[], dict[str, Any]]
    using: str
    pooled: bool


def _from_index(modality: Modality, chart: Chart, studies: QuerySet[Study], options: ChartOptions,
                pooled: bool) -> dict[str, Any] | None:
    """The numbers of ``chart`` read from the rank index, when it holds them: an indexed chart over
    the whole list of its modality, systems pooled, no histogram (:mod:`openrem.charts.rankanswer`)."""
    if not pooled or options.histograms:
        return None
    family = indexed(modality, chart)
    fid = rankanswer.ready_family(studies.db, family)
    whole = Study.objects.using(studies.db).filter(modality_type__in=modality.modality_types)
    if family is None or fid is None or not rankanswer.is_whole_list(studies, whole):
        return None
    kept = options.ct_type_codes() if family.acq_column else None
    return {"rows": _shape(rankanswer.summaries(studies.db, fid, options, kept), pooled)}


def chart_request(modality: Modality, chart: Chart, studies: QuerySet[Study], options: ChartOptions) -> ChartRequest:
    base = rows(modality, chart, studies, options)
    pooled = series(modality, chart, options) is None
    period = options.for_modality(modality).time_period
    row_query = base.query.sql_with_params()

    def compute() -> dict[str, Any]:
        indexed = _from_index(modality, chart, studies, options, pooled)
        return indexed if indexed is not None else _aggregate(chart, base, options, period, pooled)

    return ChartRequest(_result_parts(modality, chart, row_query, options, period, pooled),
                        versioning.scopes_for(row_query[0], modality.modality_types), compute, base.db, pooled)


def chart_data(modality: Modality, chart: Chart, studies: QuerySet[Study], options: ChartOptions, *,
               allow_stale: bool = False) -> dict[str, Any]:
    """The JSON data of ``chart`` over the filtered ``studies`` (numbers stored per data version,
    :mod:`openrem.charts.results`; ``allow_stale``: stored numbers of older data may answer, see
    ``current``)."""
    request = chart_request(modality, chart, studies, options)
    answer = results.stored_or_computed(request.parts, request.compute, using=request.using, scopes=request.scopes,
                                        allow_stale=allow_stale)
    data = answer.data
    own = options.for_modality(modality)
    if "rows" in data and chart.kind != ChartKind.WORKLOAD:
        data["categories"] = _order(data["rows"], options, own.sort_by, "mean")
        rank = {name: i for i, name in enumerate(data["categories"])}
        data["rows"].sort(key=lambda r: (rank[r["category"]], r["system"] or "", str(r.get("period", r.get("bin", "")))))
    elif chart.kind == ChartKind.SCATTER:
        data["categories"] = sorted({p["category"] for p in data["points"]}, key=str.casefold)
    if chart.kind in (ChartKind.AVERAGE, ChartKind.OVER_TIME) and chart.measure and chart.measure.drl_quantity:
        data["drl"] = _drl(modality, chart, data.get("categories", []), options)
    series_kind = None if request.pooled else ("physician" if modality.slug == "rf" and options.split_by_physician
                                               else "system")
    return {**describe(modality, chart), "series": series_kind, **data,
            "computed_at": answer.computed_at.isoformat(), "current": answer.current}
