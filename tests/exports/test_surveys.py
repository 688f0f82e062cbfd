"""PHE 2019, NHSBSP and openSkin layouts pinned with small hand-made studies."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from export_support import read_csv
from openpyxl import load_workbook

from factories import LEFT, RIGHT, ct_report, dx_image, mg_image, rf_report
from openrem.dicom import records as r
from openrem.dose.ingest import ingest
from openrem.exports.run import CommandUser, ExportError, run_export

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2024, 5, 1, 9, 0)
CC = r.Coded("R-10242", "SRT", "cranio-caudal")
MLO = r.Coded("399368009", "SCT", "medio-lateral oblique")
TUNGSTEN = r.Coded("C-164F9", "SRT", "Tungsten or Tungsten compound")
RHODIUM = r.Coded("C-167F9", "SRT", "Rhodium or Rhodium compound")
SILVER = r.Coded("C-137F9", "SRT", "Silver or Silver compound")


def _sheet(path: Path, name: str) -> list[tuple[Any, ...]]:
    book = load_workbook(path)
    return [tuple(row) for row in book[name].iter_rows(values_only=True)]


def _mammo(uid: str, exposures: list[tuple[r.Coded | None, r.Coded, str, r.Coded | None, r.Coded | None]]) -> None:
    """An MG study: (view, laterality, protocol, anode, filter material) per exposure."""
    base = mg_image(uid, f"{uid}.0", WHEN, 1.0, LEFT)
    proj = base.projection_xray_radiation_dose[0]
    events = []
    for n, (view, side, protocol, anode, material) in enumerate(exposures):
        source = r.XraySource(average_glandular_dose=1.0 + n, kvp=(28.0,), exposure_uAs=(80000.0,),
                              anode_target_material=anode,
                              filters=(r.XrayFilter(material=material, thickness_max=0.05),) if material else (),
                              exposure_control_mode="AUTO_FILTER")
        events.append(replace(proj.events[0], irradiation_event_uid=f"{uid}.{n}", image_view=view, laterality=side,
                              acquisition_protocol=protocol, date_time_started=WHEN + dt.timedelta(minutes=n),
                              source=source, mechanical=r.Mechanical(compression_thickness=40.0 + n)))
    ingest(replace(base, patient=r.Patient(sex="F", age="055Y"),
                   projection_xray_radiation_dose=(replace(proj, events=tuple(events)),)))


def test_nhsbsp_view_codes_and_exclusions(tmp_path: Path) -> None:
    _mammo("5.1", [
        (CC, LEFT, "L CC", TUNGSTEN, RHODIUM),
        (CC, LEFT, "L CC again", TUNGSTEN, SILVER),  # a repeated view is numbered: LCC2
        (MLO, RIGHT, "R MLO", TUNGSTEN, RHODIUM),  # SCT-coded view
        (CC, RIGHT, "Specimen", TUNGSTEN, RHODIUM),  # excluded protocols
        (CC, RIGHT, "R CC Biopsy", TUNGSTEN, RHODIUM),
        (CC, RIGHT, "Stereo scout", TUNGSTEN, RHODIUM),
        (CC, RIGHT, "post-clip", TUNGSTEN, RHODIUM),
        (None, RIGHT, "no view", TUNGSTEN, RHODIUM),  # excluded: no view, no target, no filter
        (CC, RIGHT, "no target", None, RHODIUM),
        (CC, RIGHT, "no filter", TUNGSTEN, None),
        (CC, RIGHT, "R CC", RHODIUM, SILVER),
    ])
    _mammo("5.2", [(CC, RIGHT, "Artefact", TUNGSTEN, RHODIUM)])  # no exposure left: no patient number
    path = tmp_path / "nhsbsp.csv"
    assert run_export("mg", "nhsbsp", {}, CommandUser(), str(path)) == 2
    rows = read_csv(path)
    assert list(rows[0]) == ["Survey number", "Patient number", "View code", "kV", "Anode", "Filter", "Thickness",
                             "mAs", "auto/man", "Auto mode", "Age"]
    assert [(r["View code"], r["Anode"], r["Filter"]) for r in rows] == [
        ("LCC", "W", "Rh"), ("LCC2", "W", "Ag"), ("ROB", "W", "Rh"), ("RCC", "Rh", "Ag")]
    assert {r["Survey number"] for r in rows} == {"1"} and {r["Patient number"] for r in rows} == {"1"}
    first = rows[0]
    assert (first["kV"], first["Thickness"], first["mAs"], first["auto/man"], first["Age"]) == (
        "28.0", "40.0", "80.0", "AUTO", "55")


def _dx(uid: str, n_events: int) -> None:
    base = dx_image(uid, f"{uid}.0", WHEN, dap=0.0001)
    proj = base.projection_xray_radiation_dose[0]
    events = tuple(replace(proj.events[0], irradiation_event_uid=f"{uid}.{n}", acquisition_protocol=f"P{n + 1}",
                           dose_area_product=(n + 1) / 10000, date_time_started=WHEN + dt.timedelta(minutes=n),
                           source=r.XraySource(kvp=(70.0,), exposure_uAs=(5000.0,), filters=(
                               r.XrayFilter(material=r.Coded("C-120F9", "SRT", "Aluminum"), thickness_max=1.0),)),
                           mechanical=r.Mechanical(distances=r.Distances(distance_source_to_detector=1150.0)))
                   for n in range(n_events))
    ingest(replace(base, projection_xray_radiation_dose=(replace(proj, events=events),)))


EXAM_FIXED = ["Record number", "Study pk", "Date", "Protocol", "Weight (kg)", "Age (yrs)", "Sex", "Height (cm)",
              "Study DAP (cGy.cm2)", "Number of projections"]


@pytest.mark.parametrize(("counts", "slots", "note"), [
    ([1, 6], 6, "Template: 6 projections."),
    ([2, 7], 20, "Template: 20 projections (bespoke: a study has more than 6)."),
    ([21], 20, "1 studies have more than 20 projections; only the first 20 are listed."),
])
def test_dx_exam_projection_rules(counts: list[int], slots: int, note: str, tmp_path: Path) -> None:
    for i, n in enumerate(counts):
        _dx(f"6.{i}", n)
    path = tmp_path / "exam.xlsx"
    run_export("dx", "phe2019exam", {}, CommandUser(), str(path))
    assert load_workbook(path).sheetnames == ["PHE DX 2019 Exam", "Notes"]
    rows = _sheet(path, "PHE DX 2019 Exam")
    header = list(rows[0])
    assert header[:10] == EXAM_FIXED and len(header) == 10 + 7 * slots
    assert header[10:17] == ["Projection 1 DAP (cGy.cm2)", "Projection 1 protocol", "Projection 1 kVp",
                             "Projection 1 mAs", "Projection 1 FDD (cm)", "Projection 1 filtration", "Projection 1 AEC"]
    by_count = {row[9]: row for row in rows[1:]}
    for n in counts:
        row = by_count[n]
        listed = min(n, slots)
        assert [row[10 + 7 * k] for k in range(listed)] == [100 * (k + 1) for k in range(listed)]
        assert row[11] == "P1" and row[14] == 115 and row[15] == "Al 1"
    assert note in [line[0] for line in _sheet(path, "Notes")]


def test_dx_single_projection(tmp_path: Path) -> None:
    _dx("6.7", 1)
    _dx("6.8", 3)
    path = tmp_path / "single.xlsx"
    run_export("dx", "phe2019", {}, CommandUser(), str(path))
    rows = _sheet(path, "PHE DX 2019 Single Projection")
    assert rows[0][:6] == ("Record number", "Study pk", "Date", "DAP (first projection)", "DAP units", "Protocol")
    assert [row[3] for row in rows[1:]] == [100, 100] and {row[4] for row in rows[1:]} == {"cGy.cm2"}
    assert rows[1][5] == " |  | CHEST | P1"
    notes = [line[0] for line in _sheet(path, "Notes")]
    assert notes == ["1 of 2 studies have more than one exposure; only the first projection is listed "
                     "(use the exam export for these)."]


def test_ct_phe_skips_localisers_and_continues_past_four(tmp_path: Path) -> None:
    ingest(ct_report("8.1", "8.1.1", ["a", "b"]))
    report = ct_report("8.2", "8.2.1", ["c"])
    ct = report.ct_radiation_dose[0]
    events = [replace(ct.events[0], irradiation_event_uid="loc", ct_acquisition_type=r.Coded(
        "113805", "DCM", "Constant Angle Acquisition"), dlp=1.0)]
    events += [replace(ct.events[0], irradiation_event_uid=f"s{n}", dlp=10.0 * (n + 1),
                       date_time_started=dt.datetime(2024, 3, 1, 10, n + 1)) for n in range(5)]
    ingest(replace(report, ct_radiation_dose=(replace(ct, events=tuple(events)),)))
    path = tmp_path / "ct.xlsx"
    run_export("ct", "phe2019", {}, CommandUser(), str(path))
    assert load_workbook(path).sheetnames == ["PHE CT 2019", "Notes"]
    rows = _sheet(path, "PHE CT 2019")
    header = rows[0]
    assert header[:4] == ("Patient No", "Age (yrs)", "Weight (kg)", "Height (cm)")
    assert header[4:12] == tuple(f"Series 1 {n}" for n in ("scan length (mm)", "start position (mm)",
                                                            "end position (mm)", "kV", "CTDI phantom (cm)",
                                                            "scan FOV (mm)", "CTDIvol (mGy)", "DLP (mGy.cm)"))
    assert len(header) == 4 + 8 * 5 + 2 and header[-2:] == ("Total DLP (mGy.cm)", "Comment")
    five = next(row for row in rows[1:] if row[4 + 8 * 4 + 7] is not None)
    assert [five[4 + 8 * k + 7] for k in range(5)] == [10, 20, 30, 40, 50]  # the localiser is not a series
    assert five[4 + 3] == "120" and five[-1] == "Spiral Acquisition x5"


def test_rf_phe_units_row_and_totals(tmp_path: Path) -> None:
    ingest(rf_report("9.1", "9.1.1", dap=0.002))
    path = tmp_path / "rf.xlsx"
    run_export("rf", "phe2019", {}, CommandUser(), str(path))
    rows = _sheet(path, "PHE IR-Fluoro")
    assert rows[0][:4] == ("Record number", "Study pk", "Date", "Total DAP")
    assert rows[1][3:8] == ("cGy.cm2", "cGy.cm2", "cGy.cm2", "s", "Gy")
    data = dict(zip(rows[0], rows[2], strict=True))
    assert data["Total DAP"] == 2000 and data["Fluoro DAP"] == 2000 and data["Fluoro time"] == 60
    assert data["Total dose at RP"] == 0.05 and data["Fluoro frame rate"] == "Single shot"


def test_openskin_one_study(tmp_path: Path) -> None:
    ingest(rf_report("9.2", "9.2.1", dap=0.003))
    ingest(rf_report("9.3", "9.3.1", dap=0.0005))
    path = tmp_path / "skin.csv"
    with pytest.raises(ExportError, match="one study"):
        run_export("rf", "openskin", {}, CommandUser(), str(path))
    run_export("rf", "openskin", {"dap_min": "2000"}, CommandUser(), str(path))
    rows = read_csv(path)
    assert len(rows) == 1
    row = rows[0]
    assert row["Patient name"] == "Anon" and row["Study instance UID"] == "9.2"
    assert float(row["Dose area product (Gy.m2)"]) == 0.003 and float(row["Dose (RP) (Gy)"]) == 0.05
    assert row["Irradiation event type"] == "Fluoroscopy" and row["kVp (kV)"] == "80.0"


@pytest.mark.parametrize(("stored", "symbol"), [
    ("C-127F9|SRT", "Cu"), ("66925006|SCT", "Cu"), ("12503006|SCT", "Al"), ("59801003|SCT", "Rh"),
    ("41967008|SCT", "Ag"), ("71128006|SCT", "Mo"), ("66925006|sct", "Cu"), ("12503006|DCM", None),
])
def test_filter_materials_in_either_snomed_scheme(stored: str, symbol: str | None) -> None:
    """CID 10006 materials are matched in their SNOMED-RT and SNOMED CT codes (a survey column
    stayed empty for a system sending SNOMED CT)."""
    from openrem.exports.survey_codes import FILTERS, lookup

    assert lookup(stored, FILTERS) == symbol
