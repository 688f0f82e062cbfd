"""The API documentation page: the OpenAPI description of :mod:`openrem.web.openapi`, drawn on the server."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openrem.web.access import viewer_required
from openrem.web.openapi import openapi_document


def _type(schema: dict[str, Any]) -> str:
    """A short text for a schema: ``number``, ``string (date)``, ``one of: a, b``, ``StudyDetail``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "enum" in schema:
        return "one of: " + ", ".join(str(v) for v in schema["enum"])
    kind = schema.get("type", "")
    kind = " or ".join(str(k) for k in kind) if isinstance(kind, list) else str(kind)
    return f"{kind} ({schema['format']})" if schema.get("format") else kind


def operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the document: method, path, summary, parameters and response codes."""
    out = []
    for path, methods in doc.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p["name"], "in": p.get("in", ""), "required": p.get("required", False),
                       "type": _type(p.get("schema", {})), "unit": p.get("schema", {}).get("x-unit", ""),
                       "description": p.get("description", "")} for p in op.get("parameters", [])]
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "id": op.get("operationId", ""), "parameters": params,
                        "responses": sorted(op.get("responses", {}))})
    return out


def schemas(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The component schemas with their properties (type and unit)."""
    out = []
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        props = [{"name": key, "type": _type(value), "unit": value.get("x-unit", ""),
                  "description": value.get("description", "")}
                 for key, value in schema.get("properties", {}).items()]
        out.append({"name": name, "properties": props})
    return out


@viewer_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API reference page (no external script or style: everything is served by this site)."""
    doc = openapi_document()
    return render(request, "web/api_docs.html", {"info": doc["info"], "operations": operations(doc),
                                                 "schemas": schemas(doc)})
