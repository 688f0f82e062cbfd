"""Chart API, registry completeness and user chart options."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from chartdata import SPIRAL, ct_events, equipment, study
from django.contrib.auth.models import Group, User
from django.test import Client

from openrem.charts.models import ChartPreferences
from openrem.charts.options import ChartOptions, from_json, load_options
from openrem.modalities.registry import MODALITIES

pytestmark = pytest.mark.django_db
REQUIRED = {"ct": ["study_description_dlp", "acquisition_protocol_ctdivol"], "dx": ["acquisition_protocol_dap"],
            "rf": ["study_description_dap"], "mg": ["acquisition_protocol_agd"], "nm": ["study_description_activity"]}


@pytest.fixture
def viewer(db: Any) -> Client:
    user = User.objects.create(username="viewer")
    user.groups.add(Group.objects.get_or_create(name="viewgroup")[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_ct_studies(db: Any) -> None:
    unit = equipment("CT9")
    for day, dlp in ((1, 100.0), (20, 300.0)):
        s = study("CT", unit, dt.datetime(2024, 4, day, 12, 0), study_description="Abdo", total_dlp=dlp)
        ct_events(s, ("Abdo PV", SPIRAL, dlp, dlp / 50))


def test_registry_has_every_inventory_chart() -> None:
    assert {slug: len(m.charts) for slug, m in MODALITIES.items()} == {"ct": 32, "dx": 27, "rf": 11, "mg": 16, "nm": 6}
    for slug, ids in REQUIRED.items():
        charts = MODALITIES[slug].charts
        assert len({c.id for c in charts}) == len(charts)
        assert set(ids) <= {c.id for c in charts}


def test_chart_list_has_titles_and_units(viewer: Client) -> None:
    data = viewer.get("/api/charts/ct/").json()
    charts = {c["id"]: c for c in data["charts"]}
    assert charts["study_description_dlp"]["unit"] == "mGy·cm" and charts["study_description_dlp"]["title"]
    assert charts["acquisition_protocol_ctdivol"]["unit"] == "mGy"
    assert data["enabled"] == [c.id for c in MODALITIES["ct"].charts if c.default]
    dx = {c["id"]: c for c in viewer.get("/api/charts/dx/").json()["charts"]}
    assert dx["acquisition_protocol_dap"]["unit"] == "Gy·m²" and dx["acquisition_protocol_dap"]["display_unit"] == "cGy·cm²"


def test_chart_data_follows_list_filters(viewer: Client, two_ct_studies: None) -> None:
    rows = viewer.get("/api/charts/ct/study_description_dlp/").json()["rows"]
    assert rows == [{**rows[0], "category": "Abdo", "system": None, "n": 2, "mean": 200.0, "median": 200.0}]
    narrowed = viewer.get("/api/charts/ct/study_description_dlp/?date_from=2024-04-10").json()["rows"]
    assert narrowed[0]["n"] == 1 and narrowed[0]["mean"] == 300.0
    listed = viewer.get("/api/ct/studies/?date_from=2024-04-10").json()
    assert listed["count"] == narrowed[0]["n"]


def test_every_declared_chart_answers(viewer: Client, two_ct_studies: None) -> None:
    for slug, modality in MODALITIES.items():
        for chart in modality.charts:
            response = viewer.get(f"/api/charts/{slug}/{chart.id}/")
            assert response.status_code == 200, (slug, chart.id, response.content[:300])
            assert response.json()["kind"] == chart.kind.value


def test_chart_api_errors(viewer: Client) -> None:
    assert viewer.get("/api/charts/xx/").status_code == 404
    assert viewer.get("/api/charts/ct/no_such_chart/").status_code == 404
    bad = viewer.get("/api/charts/ct/study_description_dlp/?date_from=not-a-date")
    assert bad.status_code == 400 and "date_from" in bad.json()["fields"]
    assert Client().get("/api/charts/ct/study_description_dlp/").status_code == 401
    assert viewer.post("/api/charts/ct/study_description_dlp/").status_code == 405


def test_openapi_lists_the_chart_endpoints(viewer: Client) -> None:
    paths = viewer.get("/api/openapi.json").json()["paths"]
    assert "/api/charts/{slug}/" in paths and "/api/charts/{slug}/{chart_id}/" in paths
    parameters = {p["name"] for p in paths["/api/charts/{slug}/{chart_id}/"]["get"]["parameters"]}
    assert {"stale", "date_from", "study_description"} <= parameters


def test_stored_options_are_validated() -> None:
    options = from_json({"averages": ["median", "bogus"], "histogram_bins": 99, "theme": "plotly_dark",
                         "label_wrap": "12", "per_system": "yes", "ct_acquisition_types": ["spiral"],
                         "modalities": {"ct": {"charts": ["study_description_dlp", "nope"], "time_period": "week",
                                               "sort_by": "value"}, "zz": {}}})
    assert options.averages == ["median"] and options.histogram_bins == 20 and options.theme == "plotly_dark"
    assert options.label_wrap == 50 and options.per_system is False
    assert options.ct_type_codes() == ["116152004|SCT", "C0860888|UMLS", "P5-08001|SNM3", "P5-08001|SRT"]
    ct = options.modalities["ct"]
    assert (ct.charts, ct.time_period, ct.sort_by) == (["study_description_dlp"], "week", "value")
    assert set(options.modalities) == {"ct"}
    assert from_json("not a dict") == ChartOptions()


def test_options_saved_from_the_modality_page_and_the_config_page(viewer: Client, two_ct_studies: None) -> None:
    form = {"averages": ["median"], "grouping": "category", "histogram_bins": "7", "sort_direction": "asc",
            "label_wrap": "30", "theme": "seaborn", "colour_map": "viridis", "plots_per_row": "2", "enabled": "on",
            "per_system": "on", "ct_acquisition_types": ["spiral", "sequenced"],
            "ct-charts": ["study_description_frequency"], "ct-time_period": "year", "ct-sort_by": "name",
            "next": "/ct/?study_description=abdo"}
    response = viewer.post("/charts/options/ct/", form)
    assert response.status_code == 302 and response["Location"] == "/ct/?study_description=abdo"
    user = User.objects.get(username="viewer")
    stored = ChartPreferences.objects.get(user=user).options
    assert stored["histogram_bins"] == 7 and stored["modalities"]["ct"]["time_period"] == "year"
    assert load_options(user).per_system is True
    assert viewer.get("/api/charts/ct/").json()["enabled"] == ["study_description_frequency"]
    rows = viewer.get("/api/charts/ct/study_description_frequency/").json()["rows"]
    assert rows == [{"category": "Abdo", "system": "CT9", "n": 2}]
    assert viewer.post("/charts/options/ct/", {**form, "next": "https://elsewhere.example/"})["Location"] == "/ct/"
    bad = viewer.post("/charts/options/", {"histogram_bins": "400"})
    assert bad.status_code == 400 and load_options(user).histogram_bins == 7
    page = viewer.get("/charts/options/")
    assert page.status_code == 200 and b"nm-charts" in page.content


def test_no_ct_acquisition_type_is_refused_and_never_stored(viewer: Client, two_ct_studies: None) -> None:
    """No type would select no CT event (and the CT event charts could not be built)."""
    form = {"averages": ["median"], "grouping": "category", "histogram_bins": "7", "sort_direction": "asc",
            "label_wrap": "30", "theme": "seaborn", "colour_map": "viridis", "plots_per_row": "2", "enabled": "on",
            "ct-charts": ["acquisition_protocol_dlp"], "ct-time_period": "year", "ct-sort_by": "name"}
    viewer.post("/charts/options/ct/", form)
    user = User.objects.get(username="viewer")
    assert load_options(user).ct_acquisition_types == ChartOptions().ct_acquisition_types
    assert not ChartPreferences.objects.filter(user=user).exists()
    ChartPreferences.objects.create(user=user, options={"ct_acquisition_types": []})  # stored by an older version
    assert load_options(user).ct_acquisition_types == ChartOptions().ct_acquisition_types
    assert viewer.get("/api/charts/ct/acquisition_protocol_dlp/").status_code == 200


def test_list_page_shows_the_chart_panel(viewer: Client, two_ct_studies: None) -> None:
    page = viewer.get("/ct/").content.decode()
    assert 'id="chart-config"' in page and "plotly-cartesian.min.js" in page and "study_description_dlp" in page
    assert page.index('id="study-table"') < page.index('id="charts"')


def test_docs_list_every_chart() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "charts.md").read_text(encoding="utf-8")
    for slug, modality in MODALITIES.items():
        for chart in modality.charts:
            assert f"| `{chart.id}` |" in text, (slug, chart.id)
