"""The JSON API: the registry endpoint, study details with units, and the OpenAPI document."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from openrem.dose.models import Study
from openrem.dose.services import import_file

pytestmark = pytest.mark.django_db


def get_json(user: User, url: str) -> Any:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def test_modalities_lists_the_registry(group_users: dict[str, User]) -> None:
    data = get_json(group_users["viewgroup"], "/api/modalities/")
    by_slug = {m["slug"]: m for m in data["modalities"]}
    assert set(by_slug) == {"ct", "rf", "dx", "mg", "nm"}
    assert data["page_sizes"] == [10, 25, 50, 100, 200, 400]
    ct_filters = {f["name"]: f for f in by_slug["ct"]["filters"]}
    assert ct_filters["dlp_min"]["kind"] == "min" and ct_filters["dlp_min"]["unit"] == "mGy·cm"
    assert ct_filters["date_from"]["kind"] == "date_from"
    assert {"0", "gt10"} <= {c["value"] for c in ct_filters["events"]["choices"]}
    assert "patient_name" not in ct_filters and "patient_id" not in ct_filters
    rf_columns = {c["key"]: c for c in by_slug["rf"]["columns"]}
    assert rf_columns["dap"]["unit"] == "cGy·cm²"  # as shown in the HTML list
    assert (rf_columns["dap"]["field"], rf_columns["dap"]["field_unit"]) == ("total_dap_gym2", "Gy.m2")
    assert "-dlp" in by_slug["ct"]["orderings"]

    pid = get_json(group_users["pidgroup"], "/api/modalities/")
    pid_filters = {f["name"]: f for f in pid["modalities"][0]["filters"]}
    assert pid_filters["patient_name"]["group"] == "pidgroup"


def test_ct_detail_has_trees_summary_and_units(group_users: dict[str, User], studies: dict[str, int]) -> None:
    data = get_json(group_users["viewgroup"], f"/api/ct/studies/{studies['ct']}/")
    assert data["study"]["pk"] == studies["ct"] and data["study"]["study_instance_uid"] == "9.1"
    assert data["equipment"]["manufacturer"] == "ACME"
    assert data["summary"]["total_dlp_mgycm"] == pytest.approx(200.0)
    events = data["ct_radiation_dose"][0]["events"]
    assert [e["dlp"] for e in events] == [100.0, 100.0]
    units = data["units"]
    assert units["ct_radiation_dose"]["events"]["dlp"] == "mGy.cm"
    assert units["ct_radiation_dose"]["events"]["mean_ctdivol"] == "mGy"
    assert units["projection_xray_radiation_dose"]["events"]["dose_area_product"] == "Gy.m2"
    assert units["patient"]["patient_weight"] == "kg"
    assert data["projection_xray_radiation_dose"] == [] and data["radiopharmaceutical_radiation_dose"] == []


def _numeric_leaves(tree: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _numeric_leaves(value, (*path, key))
    elif isinstance(tree, list):
        for item in tree:
            if isinstance(item, dict):
                yield from _numeric_leaves(item, path)
    elif isinstance(tree, float):
        yield path


@pytest.mark.shared
@pytest.mark.parametrize(("name", "slug"), [("CT-RDSR-Siemens_Flash-TAP-SS.dcm", "ct"),
                                             ("RF-ESR-Siemens-Varic.dcm", "rf"), ("NM-RRDSR-Siemens.dcm", "nm")])
def test_detail_of_real_samples_gives_units_for_dose_values(
        group_users: dict[str, User], sample: Callable[[str], Path], name: str, slug: str) -> None:
    import_file(sample(name))
    study = Study.objects.get()
    data = get_json(group_users["viewgroup"], f"/api/{slug}/studies/{study.pk}/")
    trees = {k: data[k] for k in ("ct_radiation_dose", "projection_xray_radiation_dose",
                                  "radiopharmaceutical_radiation_dose")}
    leaves = set(_numeric_leaves(trees))
    assert leaves, "the sample has numeric dose values"
    for path in leaves:
        unit: Any = data["units"]
        for key in path:
            unit = unit.get(key) if isinstance(unit, dict) else None
        dose_like = any(w in path[-1] for w in ("dlp", "ctdi", "dose", "activity"))
        assert unit or not dose_like, f"no unit for {'.'.join(path)}"


def _api_routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _api_routes(p.url_patterns, route)
        elif isinstance(p, URLPattern) and route.startswith("api/"):
            yield "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_openapi_document_lists_every_api_route(group_users: dict[str, User]) -> None:
    client = Client()
    client.force_login(group_users["viewgroup"])
    doc = json.loads(client.get("/api/openapi.json").content)  # valid JSON or this raises
    assert doc["openapi"].startswith("3.1")
    routes = set(_api_routes(get_resolver().url_patterns))
    assert len(routes) >= 4
    missing = routes - set(doc["paths"])
    assert not missing, f"API routes missing from the OpenAPI document: {sorted(missing)}"
    for route in routes:
        assert "get" in doc["paths"][route] and "200" in doc["paths"][route]["get"]["responses"]


def test_openapi_document_follows_the_registry(group_users: dict[str, User]) -> None:
    doc = get_json(group_users["viewgroup"], "/api/openapi.json")
    ct = doc["paths"]["/api/ct/studies/"]["get"]
    params = {p["name"]: p for p in ct["parameters"]}
    assert params["per_page"]["schema"]["enum"] == [10, 25, 50, 100, 200, 400]
    assert params["dlp_min"]["schema"]["type"] == "number" and params["dlp_min"]["schema"]["x-unit"] == "mGy·cm"
    assert params["date_from"]["schema"]["format"] == "date"
    assert "pidgroup" in params["patient_name"]["description"]
    assert "-dlp" in params["o"]["schema"]["enum"]
    assert "dap_min" in {p["name"] for p in doc["paths"]["/api/rf/studies/"]["get"]["parameters"]}
    rf_row = doc["components"]["schemas"]["StudyRow_rf"]["properties"]
    assert rf_row["total_dap_gym2"]["x-unit"] == "Gy.m2"
    operation_ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))
    text = json.dumps(doc)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', text)):
        assert ref in doc["components"]["schemas"]
