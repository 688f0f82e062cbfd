"""OpenAPI description of the chart endpoints (merged into ``/api/openapi.json``)."""

from __future__ import annotations

from typing import Any

from openrem.modalities.registry import MODALITIES

NUM = {"type": ["number", "null"]}
TEXT = {"type": ["string", "null"]}
STALE = {"name": "stale", "in": "query", "required": False, "schema": {"type": "string", "enum": ["1"]},
         "description": "1: when the data changed since the stored numbers of this request were computed, answer "
                        "at once with those (current: false) instead of computing; ask again without it for the "
                        "current numbers"}


def chart_schemas() -> dict[str, Any]:
    """The schemas of the chart list and of chart data."""
    average_row = {"type": "object", "required": ["category", "system", "n", "mean", "median"], "properties": {
        "category": {"type": "string", "description": "category name; \"Blank\" for none"},
        "system": {**TEXT, "description": "system display name (or physician); null when systems are pooled"},
        "n": {"type": "integer"}, "mean": NUM, "median": NUM, "q1": NUM, "q3": NUM, "min": NUM, "max": NUM,
        "lower_whisker": NUM, "upper_whisker": NUM, "n_outliers": {"type": "integer"},
        "outliers": {"type": "array", "items": {"type": "number"}},
        "period": {"type": "string", "format": "date", "description": "over-time charts: first day of the period"},
        "bin": {"type": "integer", "description": "binned charts: bin number"}, "bin_label": {"type": "string"}}}
    chart = {"type": "object", "required": ["id", "title", "kind", "level", "unit"], "properties": {
        "id": {"type": "string"}, "title": {"type": "string"},
        "kind": {"type": "string", "enum": ["average", "frequency", "over_time", "scatter", "workload", "binned"]},
        "level": {"type": "string", "enum": ["study", "event"]}, "grouping": {"type": "string"},
        "unit": {"type": "string", "description": "stored unit of every number of the chart's data"},
        "display_unit": {"type": "string", "description": "unit the page plots (value x display_scale)"},
        "measure": {"type": ["object", "null"]}, "x": {"type": ["object", "null"]}, "default": {"type": "boolean"}}}
    data = {"allOf": [{"$ref": "#/components/schemas/Chart"}, {"type": "object", "properties": {
        "series": {**TEXT, "enum": ["system", "physician", None]},
        "categories": {"type": "array", "items": {"type": "string"}, "description": "in the user's sort order"},
        "rows": {"type": "array", "items": {"$ref": "#/components/schemas/ChartRow"},
                 "description": "average, over-time and binned charts: statistics; frequency: n; workload: "
                                "system, weekday (1 = Monday), hour, n"},
        "histogram": {"type": "object", "description": "average charts when histograms are on: bins, edges per "
                                                       "category, rows of (category, system, bin, n)"},
        "points": {"type": "array", "items": {"type": "object"}, "description": "scatter: category, system, x, y"},
        "total": {"type": "integer"}, "shown": {"type": "integer"}, "sampled": {"type": "boolean"},
        "period": {"type": "string"},
        "computed_at": {"type": "string", "format": "date-time", "description": "when the data of these numbers "
                        "was read"},
        "current": {"type": "boolean", "description": "true: the data has not changed since computed_at; false "
                    "only when asked with stale=1"},
        "drl": {"type": ["object", "null"], "description": "average and over-time charts of a measure with a "
                "diagnostic reference level: set (id, name, version, label, source, valid_from), quantity, unit "
                "(the chart's stored unit) and values (category, exam, value); null when no DRL set applies"}}}]}
    return {"Chart": chart, "ChartRow": average_row, "ChartData": data}


def chart_paths(responses: Any, filter_parameter: Any) -> dict[str, Any]:
    """``/api/charts/{modality}/`` and ``/api/charts/{modality}/{chart_id}/``."""
    modality = {"name": "slug", "in": "path", "required": True,
                "schema": {"type": "string", "enum": list(MODALITIES)}}
    chart_id = {"name": "chart_id", "in": "path", "required": True, "description": "a chart id of the modality "
                "(GET /api/charts/{slug}/ lists them; docs/charts.md)",
                "schema": {"type": "string", "enum": sorted({c.id for m in MODALITIES.values() for c in m.charts})}}
    filters = {f.name: f for m in MODALITIES.values() for f in m.filters}
    listing = {"type": "object", "properties": {
        "modality": {"type": "string"}, "charts": {"type": "array", "items": {"$ref": "#/components/schemas/Chart"}},
        "enabled": {"type": "array", "items": {"type": "string"}, "description": "the user's chosen charts"}}}
    return {
        "/api/charts/{slug}/": {"get": {
            "operationId": "list_charts", "tags": ["charts"], "summary": "The charts of one modality with units",
            "parameters": [modality], "responses": responses(listing, ("401", "403", "404", "405"))}},
        "/api/charts/{slug}/{chart_id}/": {"get": {
            "operationId": "get_chart", "tags": ["charts"],
            "summary": "One chart's data over the studies of the list with the same filters (stored units; the "
                       "user's chart options)",
            "parameters": [modality, chart_id, STALE, *(filter_parameter(f) for f in filters.values())],
            "responses": responses({"$ref": "#/components/schemas/ChartData"}, ("400", "401", "403", "404", "405"))}},
    }
