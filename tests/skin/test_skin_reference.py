"""Agreement with the older OpenREM's skin dose maps (shared golden data); figures in docs/skin-dose-maps.md."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import SHARED, sample_path
from openrem.dicom.parse import parse_path
from openrem.skin import SkinMap, calculate, calculate_file
from openrem.skin.cli import main as cli_main

pytestmark = pytest.mark.shared
TOOL = Path(__file__).resolve().parents[2] / "tools" / "skin_compare.py"


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("skin_compare", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _golden_file(name: str) -> Path:
    path = SHARED / "golden" / "skin" / name
    if not path.is_file():
        if os.environ.get("OPENREM_REQUIRE_ALL") == "1":
            pytest.fail(f"{path} missing")
        pytest.skip(f"{path} missing")
    return path


def test_zee_agrees_with_the_older_system() -> None:
    _golden_file("RF-RDSR-Siemens-Zee.skin-map-expected.json")
    result = calculate_file(sample_path("RF-RDSR-Siemens-Zee.dcm"))
    assert isinstance(result, SkinMap)
    tool = _tool()
    figures = tool.compare(result.dose_gy, tool.golden("RF-RDSR-Siemens-Zee.dcm", result.dose_gy.shape))
    assert figures["peak_ratio"] == pytest.approx(1.0, abs=0.05)
    # same cells, same layout (no shift applied): documented 0.031 and 0.118 of the peak
    assert figures["mean_diff"] < 0.05
    assert figures["p95_diff"] < 0.15


def test_zee_json_layout_matches_the_older_system(capsys: pytest.CaptureFixture[str]) -> None:
    older = json.loads(_golden_file("RF-RDSR-Siemens-Zee.skin-map.json").read_text())
    assert cli_main([str(sample_path("RF-RDSR-Siemens-Zee.dcm")), "--json"]) == 0
    ours = json.loads(capsys.readouterr().out)
    assert set(older) <= set(ours)
    assert len(ours["skin_map"]) == len(older["skin_map"]) == ours["width"] * ours["map_rows"]
    for key in ("width", "height", "phantom_flat_dist", "phantom_curved_dist", "phantom_height",
                "phantom_head_height", "patient_orientation", "patient_height_source", "patient_mass_source"):
        assert ours[key] == older[key], key
    for key in ("phantom_width", "phantom_depth", "phantom_head_radius", "patient_height", "patient_mass"):
        assert ours[key] == pytest.approx(older[key], rel=1e-9), key
    assert ours["peak_skin_dose"] == pytest.approx(max(ours["skin_map"]))
    assert ours["fraction_DAP"] == pytest.approx(older["fraction_DAP"], abs=0.01)


def test_alphenix_phantom_and_non_rotational_events() -> None:
    """Same phantom (height and mass extracted); the older system loses most of the rotational run.

    The peak does not agree (see docs/skin-dose-maps.md): the older map integrates to 0.86 Gy cm2
    while the report's DAP alone is 3.15 Gy cm2, 2.89 of it from the rotational acquisition. Our map
    keeps the rotational DAP; without that event, the lateral-beam entrance region agrees within 15 %.
    """
    _golden_file("RF-RDSR-Canon-Alphenix-rotational.skin-map-expected.json")
    report = parse_path(sample_path("RF-RDSR-Canon-Alphenix-rotational.dcm")).report
    assert report is not None
    result = calculate(report)
    assert isinstance(result, SkinMap)
    tool = _tool()
    older = tool.golden("RF-RDSR-Canon-Alphenix-rotational.dcm", result.dose_gy.shape)
    assert result.dose_gy.shape == (94, 94)
    total_dap_gycm2 = sum(e.dose_area_product or 0 for p in report.projection_xray_radiation_dose
                          for e in p.events) * 1e4
    assert older.sum() < 0.3 * total_dap_gycm2 < result.dose_gy.sum()
    proj = report.projection_xray_radiation_dose[0]
    fixed = dataclasses.replace(report, projection_xray_radiation_dose=(
        dataclasses.replace(proj, events=proj.events[:-1]),))
    no_rotation = calculate(fixed)
    assert isinstance(no_rotation, SkinMap)
    region = (slice(70, 80), slice(20, 31))  # left side, entered by the RAO 90 runs only
    assert no_rotation.dose_gy[region].mean() == pytest.approx(older[region].mean(), rel=0.15)


def _rotational_dap_gycm2(path: Path) -> float:
    """DAP (122130, DCM) of the irradiation events (113706, DCM) that have a Positioner Primary End
    Angle (113739, DCM), read from the SR content with pydicom alone (PS3.16 TID 10003)."""
    import pydicom

    def walk(items: Any) -> Any:
        for item in items:
            yield item
            yield from walk(item.get("ContentSequence", []))

    total = 0.0
    for item in walk(pydicom.dcmread(path).ContentSequence):
        name = item.ConceptNameCodeSequence[0]
        if item.ValueType != "CONTAINER" or (name.CodeValue, name.CodingSchemeDesignator) != ("113706", "DCM"):
            continue
        children = {(c.ConceptNameCodeSequence[0].CodeValue, c.ConceptNameCodeSequence[0].CodingSchemeDesignator): c
                    for c in item.ContentSequence}
        if ("113739", "DCM") in children:
            measured = children[("122130", "DCM")].MeasuredValueSequence[0]
            assert measured.MeasurementUnitsCodeSequence[0].CodeValue == "Gy.m2"
            total += float(measured.NumericValue) * 1e4
    return total


def test_alphenix_older_map_holds_less_dose_than_the_rotational_beam_delivers() -> None:
    """The physical lower bound that the older map breaks (docs/skin-dose-maps.md).

    The air kerma-area product is the integral of air kerma over the beam's cross-section and does
    not change with the distance from the focus (ICRU Report 74, 2005; IEC 60580). On a skin surface
    hit obliquely the same beam covers a larger area, backscatter only adds (factor >= 1,
    Benmakhlouf et al. 2011) and the table and mattress remove at most 1 - T_min. So the dose
    integral over the skin of one event is at least DAP x fraction on the phantom x T_min.
    """
    path = sample_path("RF-RDSR-Canon-Alphenix-rotational.dcm")
    _golden_file("RF-RDSR-Canon-Alphenix-rotational.skin-map-expected.json")
    dap_gycm2 = _rotational_dap_gycm2(path)
    assert dap_gycm2 == pytest.approx(2.8933, rel=1e-4)
    report = parse_path(path).report
    assert report is not None
    proj = report.projection_xray_radiation_dose[0]
    rotational_only = calculate(dataclasses.replace(report, projection_xray_radiation_dose=(
        dataclasses.replace(proj, events=proj.events[-1:]),)))
    assert isinstance(rotational_only, SkinMap)
    t_min = float(np.loadtxt(Path(files("openrem.skin").joinpath("data", "transmission.csv")), delimiter=",",
                             skiprows=2, usecols=(2, 3)).min())
    assert 0.5 < t_min < 0.6 and rotational_only.fraction_dap > 0.9
    bound_gycm2 = dap_gycm2 * rotational_only.fraction_dap * t_min  # about 1.56 Gy cm2
    older = _tool().golden("RF-RDSR-Canon-Alphenix-rotational.dcm", rotational_only.dose_gy.shape)
    assert older.sum() < 0.6 * bound_gycm2  # the whole older map: 0.86 Gy cm2
    assert rotational_only.dose_gy.sum() > bound_gycm2  # ours, the rotational event alone: 5.1 Gy cm2
