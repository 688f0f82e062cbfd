"""The OpenAPI 3.1 description of the JSON API, generated from the modality registry.

Filters, orderings and list columns of each modality come from :mod:`openrem.modalities.registry`
and the key names of list rows from :mod:`openrem.web.api_serialize`, so the document follows
the code. The generic ``/api/{slug}/studies/`` path is completed by one concrete path per modality
(``/api/ct/studies/``...) that lists that modality's own filters.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from django.conf import settings

from openrem.modalities.base import Filter, Modality
from openrem.modalities.registry import MODALITIES
from openrem.web import api_serialize as ser
from openrem.web.filtering import PAGE_SIZES

JSON = "application/json"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERRORS = {
    "400": "Invalid parameters (field errors in `fields`).",
    "401": "Not logged in: no valid session cookie.",
    "403": "The account has no group that may view dose data.",
    "404": "Unknown modality or study.",
    "405": "Only GET is allowed.",
}


def _responses(ok_schema: dict[str, Any], codes: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "OK", "content": {JSON: {"schema": ok_schema}}}}
    for code in codes:
        out[code] = {"description": ERRORS[code], "content": {JSON: {"schema": ERROR_REF}}}
    return out


def _nullable(kind: str) -> dict[str, Any]:
    return {"type": [kind, "null"]}


def filter_parameter(spec: Filter) -> dict[str, Any]:
    """The query parameter of one registry filter."""
    schema: dict[str, Any]
    if spec.kind in ("date_from", "date_until"):
        schema = {"type": "string", "format": "date"}
    elif spec.kind in ("min", "max"):
        schema = {"type": "number", "minimum": -1e12, "maximum": 1e12}
    elif spec.choices:
        schema = {"type": "string", "enum": [value for value, _ in spec.choices]}
    else:
        schema = {"type": "string", "maxLength": 200}
    description = ser.text(spec.label)
    unit = spec.display_unit()  # filter values are entered in the (default) display unit
    if unit:
        description += f" ({unit})"
        schema["x-unit"] = unit
    if spec.group:
        description += f". Only for members of {spec.group}; ignored for other users."
    return {"name": spec.name, "in": "query", "required": False, "description": description, "schema": schema}


def paging_parameters(orderings: list[str]) -> list[dict[str, Any]]:
    """``page``, ``per_page`` and ``o``."""
    return [
        {"name": "page", "in": "query", "required": False, "description": "Page number, from 1. A page past the "
         "last one gives an empty `results` list.", "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {"name": "per_page", "in": "query", "required": False, "description": "Studies per page.",
         "schema": {"type": "integer", "enum": list(PAGE_SIZES), "default": 25}},
        {"name": "o", "in": "query", "required": False, "description": "Ordering: a sortable column key, "
         "`-` prefix for descending. Default: newest first.", "schema": {"type": "string", "enum": orderings}},
    ]


def row_schema(modality: Modality) -> dict[str, Any]:
    """The schema of one list row of ``modality``."""
    props: dict[str, Any] = {
        "pk": {"type": "integer"}, "study_instance_uid": {"type": "string"},
        "modality_type": _nullable("string"),
        "study_datetime": {**_nullable("string"), "format": "date-time"},
        "study_date": {**_nullable("string"), "format": "date"},
        "description": _nullable("string"), "display_name": {"type": "string"},
        "accession_number": _nullable("string"), "accession_hashed": {"type": "boolean"},
    }
    for field in ser.list_summary_fields(modality):
        props[field.key] = {**_nullable(field.type), "description": f"{field.field} in {field.unit or 'counts'}"}
        if field.unit:
            props[field.key]["x-unit"] = field.unit
    props["not_patient_indicator"] = _nullable("string")
    for name in ser.PID_FIELDS:
        kind = "boolean" if name.endswith("_hashed") else "string"
        props[name] = {**_nullable(kind), "description": "Only for members of pidgroup."}
    required = [k for k in props if k not in ser.PID_FIELDS]
    return {"type": "object", "properties": props, "required": required}


def page_schema(row_ref: dict[str, Any]) -> dict[str, Any]:
    """A page of list rows."""
    return {"type": "object", "required": ["count", "page", "pages", "per_page", "results"], "properties": {
        "count": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
        "per_page": {"type": "integer"}, "results": {"type": "array", "items": row_ref}}}


def detail_schema() -> dict[str, Any]:
    """The schema of a study detail."""
    summary = {f.key: {**_nullable(f.type), "x-unit": f.unit} if f.unit else _nullable(f.type)
               for f in (ser.summary_field(n) for n in ser.DETAIL_SUMMARY_FIELDS)}
    trees = {name: {"type": "array", "items": {"type": "object"}} for name in ser.detail_units() if name != "patient"}
    return {"type": "object", "required": ["study", "patient", "equipment", "summary", "units", *trees],
            "properties": {
                "study": {"type": "object"},
                "patient": {"type": "object", "description": "patient_name, patient_id (and their *_hashed "
                            "flags) and patient_birth_date only for members of pidgroup."},
                "equipment": {"type": "object"},
                "summary": {"type": "object", "properties": summary},
                **trees,
                "units": {"type": "object", "description": "UCUM unit of each numeric field, nested like the "
                          "trees (a list is described by one item)."},
            }}


def _modality_paths(modality: Modality) -> dict[str, Any]:
    slug = modality.slug
    orderings = [o for k in modality.orderings() for o in (k, f"-{k}")]
    row_ref = {"$ref": f"#/components/schemas/StudyRow_{slug}"}
    return {f"/api/{slug}/studies/": {"get": {
        "operationId": f"list_{slug}_studies", "tags": ["studies"],
        "summary": f"{ser.text(modality.label)} studies, filtered with this modality's own filters",
        "parameters": paging_parameters(orderings) + [filter_parameter(f) for f in modality.filters],
        "responses": _responses(page_schema(row_ref), ("400", "401", "403", "405"))}}}


def _generic_paths() -> dict[str, Any]:
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "enum": list(MODALITIES)}}
    pk = {"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}
    all_orderings = sorted({o for m in MODALITIES.values() for k in m.orderings() for o in (k, f"-{k}")})
    return {
        "/api/modalities/": {"get": {
            "operationId": "list_modalities", "tags": ["registry"],
            "summary": "Modalities with their filters (kinds, units, choices) and list columns (units)",
            "responses": _responses({"type": "object"}, ("401", "403", "405"))}},
        "/api/{slug}/studies/": {"get": {
            "operationId": "list_studies", "tags": ["studies"],
            "summary": "Filtered, ordered, paged studies of one modality; see /api/<slug>/studies/ for filters",
            "parameters": [slug, *paging_parameters(all_orderings)],
            "responses": _responses(page_schema({"type": "object"}), ("400", "401", "403", "404", "405"))}},
        "/api/{slug}/studies/{pk}/": {"get": {
            "operationId": "get_study", "tags": ["studies"],
            "summary": "One study with its dose trees and their units",
            "parameters": [slug, pk],
            "responses": _responses({"$ref": "#/components/schemas/StudyDetail"}, ("401", "403", "404", "405"))}},
        "/api/openapi.json": {"get": {
            "operationId": "openapi", "tags": ["registry"], "summary": "This document",
            "responses": _responses({"type": "object"}, ("401", "403", "405"))}},
    }


def _version() -> str:
    try:
        return metadata.version("openrem")
    except metadata.PackageNotFoundError:  # used from a source tree that is not installed
        return "unknown"


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    paths = _generic_paths()
    schemas: dict[str, Any] = {
        "Error": {"type": "object", "required": ["error", "status"], "properties": {
            "error": {"type": "string"}, "status": {"type": "integer"}, "fields": {"type": "object"}}},
        "StudyDetail": detail_schema(),
    }
    for modality in MODALITIES.values():
        paths.update(_modality_paths(modality))
        schemas[f"StudyRow_{modality.slug}"] = row_schema(modality)
    from openrem.charts.openapi import chart_paths, chart_schemas

    paths.update(chart_paths(_responses, filter_parameter))
    schemas.update(chart_schemas())
    return {
        "openapi": "3.1.0",
        "info": {"title": "OpenREM API", "version": _version(),
                 "description": "Read-only dose data. Log in through /login/ and send the session cookie. "
                                "Values are given in the units they are stored in, not the display units of "
                                "the web pages: DAP in Gy·m², dose at the reference point in Gy, DLP in "
                                "mGy·cm, AGD in mGy, activity in MBq, times in s; each key names its unit "
                                "(total_dap_gym2) and its schema gives it as x-unit. Filter values (dap_min...) "
                                "are entered in the unit their parameter states."},
        "security": [{"session": []}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}}},
    }
