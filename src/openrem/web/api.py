"""Read-only JSON API over the same data as the study lists and details (session authentication).

Every endpoint checks on the server what the HTML pages check: anonymous requests get 401, users
without a viewing group 403, methods other than GET 405, all as JSON. Patient names, IDs and the
filters on them are only given to pidgroup members. Invalid parameters give 400 with the field
errors; a page past the last one gives an empty ``results`` list.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from openrem.dose.models import Study
from openrem.jsonsafe import STRICT, finite
from openrem.modalities.base import Modality
from openrem.modalities.registry import MODALITIES, for_modality_type
from openrem.modalities.units import DAP_UNITS
from openrem.web import api_serialize as ser
from openrem.web.access import PID, can_view, in_group
from openrem.web.filtering import PAGE_SIZES, filtered_studies, visible_filters
from openrem.web.openapi import openapi_document

ApiView = Callable[..., HttpResponse]


def error(status: int, message: str, **extra: Any) -> JsonResponse:
    """A JSON error response: ``{"error": message, "status": status, ...}``."""
    return JsonResponse({"error": message, "status": status, **extra}, status=status)


def api_endpoint(view: ApiView) -> ApiView:
    """Session user with a viewing group (401 / 403 otherwise), GET only (405 otherwise)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            response = error(401, "authentication required: log in to obtain a session cookie")
            response["WWW-Authenticate"] = 'Session realm="openrem", login="/login/"'
            return response
        if not can_view(request.user):
            return error(403, "your account may not view dose data")
        if request.method != "GET":
            response = error(405, f"method {request.method} not allowed")
            response["Allow"] = "GET"
            return response
        return view(request, *args, **kwargs)

    wrapped.required_check = can_view  # type: ignore[attr-defined]
    return csrf_exempt(wrapped)  # no state changes; lets a POST get its 405 instead of a CSRF page


def _modality(slug: str) -> Modality | None:
    return MODALITIES.get(slug)


@api_endpoint
def modalities(request: HttpRequest) -> HttpResponse:
    """The modality registry: slugs, labels, filters (kinds, units, choices), columns with units."""
    data = [ser.modality_json(m, visible_filters(m, request.user)) for m in MODALITIES.values()]
    return JsonResponse(finite({"modalities": data, "page_sizes": list(PAGE_SIZES)}), json_dumps_params=STRICT)


def _page_number(raw: str | None) -> int | None:
    """The requested page (1 when absent), or None when it is not a positive integer."""
    if raw in (None, ""):
        return 1
    try:
        number = int(raw)
    except ValueError:  # also for absurdly long digit strings
        return None
    return number if number >= 1 else None


@api_endpoint
def study_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Filtered, ordered, paged studies of one modality (same parameters as the HTML list)."""
    modality = _modality(slug)
    if modality is None:
        return error(404, f"unknown modality {slug!r}", modalities=list(MODALITIES))
    page = _page_number(request.GET.get("page"))
    if page is None:
        return error(400, "invalid parameters", fields={"page": [{"message": "Enter a whole number of at least 1.",
                                                                      "code": "invalid"}]})
    studies, form = filtered_studies(modality, request.user, request.GET, DAP_UNITS[0].key)  # units as documented
    if not form.is_valid():
        return error(400, "invalid parameters", fields=form.errors.get_json_data())
    per_page: int = form.cleaned_data.get("per_page") or 25
    count = studies.count()
    pages = max(1, -(-count // per_page))
    rows: list[dict[str, Any]] = []
    if page <= pages and count:
        fields = ser.list_summary_fields(modality)
        show_pid = in_group(request.user, PID)
        start = (page - 1) * per_page
        rows = [ser.study_row(s, fields, show_pid) for s in studies[start:start + per_page]]
    return JsonResponse(finite({"count": count, "page": page, "pages": pages, "per_page": per_page, "results": rows}),
                        json_dumps_params=STRICT)


@api_endpoint
def study_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One study: study, patient, equipment, summary, the dose trees and their units."""
    modality = _modality(slug)
    if modality is None:
        return error(404, f"unknown modality {slug!r}", modalities=list(MODALITIES))
    study = (Study.objects.select_related("equipment")
             .filter(pk=pk, modality_type__in=modality.modality_types).first())
    if study is None:
        return error(404, f"no {slug} study {pk}")
    related = []
    for other in (Study.objects.filter(study_instance_uid=study.study_instance_uid)
                  .exclude(pk=study.pk).only("pk", "modality_type")):
        other_modality = for_modality_type(other.modality_type)
        related.append({"pk": other.pk, "modality_type": other.modality_type,
                        "slug": other_modality.slug if other_modality else None})
    return JsonResponse(finite(ser.study_detail(study, in_group(request.user, PID), related)),
                        json_dumps_params=STRICT)


@api_endpoint
def openapi(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 description of this API, generated from the modality registry."""
    return JsonResponse(openapi_document(), json_dumps_params={"indent": 1})
