"""JSON chart API: ``GET /api/charts/<modality>/`` (the charts) and
``GET /api/charts/<modality>/<chart_id>/?<list filters>`` (one chart's data).

Same session authentication and permission checks as the study list API (401 / 403 / 405); the
filters are those of the study list (invalid values give 400 with the field errors); the chart
options are the user's stored ones (:mod:`openrem.charts.options`). ``stale=1`` lets stored numbers of
older data answer at once (``current: false``; :mod:`openrem.charts.results`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from openrem.charts.compute import chart_data, describe
from openrem.charts.options import load_options
from openrem.modalities.registry import MODALITIES
from openrem.web.api import api_endpoint, error
from openrem.web.filtering import filtered_studies


@api_endpoint
def chart_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The charts of one modality: id, title, kind, level, unit; ``enabled`` lists the user's."""
    modality = MODALITIES.get(slug)
    if modality is None:
        return error(404, f"unknown modality {slug!r}", modalities=list(MODALITIES))
    options = load_options(request.user)
    return JsonResponse({"modality": slug, "charts": [describe(modality, c) for c in modality.charts],
                         "enabled": options.for_modality(modality).charts if options.enabled else []})


@api_endpoint
def chart_detail(request: HttpRequest, slug: str, chart_id: str) -> HttpResponse:
    """The data of one chart over the studies the list shows with the same parameters."""
    modality = MODALITIES.get(slug)
    if modality is None:
        return error(404, f"unknown modality {slug!r}", modalities=list(MODALITIES))
    chart = modality.chart(chart_id)
    if chart is None:
        return error(404, f"no chart {chart_id!r} for {slug}", charts=[c.id for c in modality.charts])
    studies, form = filtered_studies(modality, request.user, request.GET)
    if not form.is_valid():
        return error(400, "invalid parameters", fields=form.errors.get_json_data())
    return JsonResponse(chart_data(modality, chart, studies, load_options(request.user),
                                   allow_stale=request.GET.get("stale") == "1"))
