"""RF XLSX exposure groups: same plane, protocol, field size, pulse rate, filter and type, angles within 5 degrees."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from export_support import read_csv, read_xlsx

from factories import rf_report
from openrem.dicom import records as r
from openrem.dose.ingest import ingest
from openrem.exports.rf_groups import group_events
from openrem.exports.run import CommandUser, run_export

pytestmark = pytest.mark.django_db
CU = r.Coded("C-127F9", "SRT", "Copper or Copper compound")


def test_grouping_rules() -> None:
    def ev(n: int, **kw: object) -> dict[str, object]:
        base = {"id": n, "acquisition_plane_code": "113622|DCM", "acquisition_protocol": "Fluoro", "ii_field_size": 220,
                "pulse_rate": 7.5, "filters": [], "irradiation_event_type_code": "P5-06000|SRT",
                "positioner_primary_angle": 0.0, "positioner_secondary_angle": 0.0}
        return {**base, **kw}

    events = [ev(1), ev(2, positioner_primary_angle=5.0), ev(3, positioner_primary_angle=5.5),
              ev(4, acquisition_protocol="Other"), ev(5, pulse_rate=15.0), ev(6, positioner_secondary_angle=-4.0),
              ev(7, filters=[{"material": ["C-127F9", "SRT", "Cu"], "thickness_min": 0.1, "thickness_max": 0.1}])]
    assert [[e["id"] for e in g] for g in group_events(events)] == [[1, 2, 6], [3], [4], [5], [7]]


def test_all_data_sheet_has_the_groups(tmp_path: Path) -> None:
    report = rf_report("4.1", "4.1.1", dap=0.001)
    proj = report.projection_xray_radiation_dose[0]
    base = proj.events[0]
    events = tuple(replace(base, irradiation_event_uid=f"4.1.1.{n}", dose_area_product=(n + 1) / 1000,
                           date_time_started=dt.datetime(2024, 6, 1, 14, n),
                           source=replace(base.source, kvp=(70.0 + n, 0.0), filters=(r.XrayFilter(
                               material=CU, thickness_max=0.2),)),
                           mechanical=r.Mechanical(positioner_primary_angle=float(n * 3)))
                   for n in range(3))  # angles 0, 3, 6: the third is more than 5 degrees from the first
    ingest(replace(report, projection_xray_radiation_dose=(replace(proj, events=events),)))
    path = tmp_path / "rf.xlsx"
    run_export("rf", "xlsx", {}, CommandUser(), str(path))
    row = read_xlsx(path)["All data"][0]
    assert row["G1 Count"] == 2 and row["G2 Count"] == 1
    assert row["G1 DAP min (cGy.cm2)"] == 1000 and row["G1 DAP max (cGy.cm2)"] == 2000
    assert row["G1 DAP mean (cGy.cm2)"] == 1500
    assert row["G1 kVp mean (kV)"] == 70.5  # per-pulse zeros are not averaged in
    assert row["G1 Filter material"] == "Copper or Copper compound" and row["G1 Mean filter thickness (mm)"] == 0.2
    assert row["G2 Primary angle min (deg)"] == 6


def test_peak_skin_dose_column(tmp_path: Path) -> None:
    """The RF exports carry the study's peak skin dose (Gy) from its skin dose map, empty without one."""
    from openrem.dose.models import Study
    from openrem.skinmaps.models import SkinDoseMap

    ingest(rf_report("4.2", "4.2.1", dap=0.001))
    ingest(rf_report("4.3", "4.3.1", dap=0.002))
    with_map = Study.objects.get(study_instance_uid="4.2")
    SkinDoseMap.objects.update_or_create(study=with_map, defaults={
        "status": SkinDoseMap.CALCULATED, "version": "test", "peak_skin_dose_gy": 1.234})
    SkinDoseMap.objects.filter(study__study_instance_uid="4.3").delete()
    header = "Peak skin dose (Gy)"
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"rf.{fmt}"
        run_export("rf", fmt, {}, CommandUser(), str(path))
        rows = read_csv(path) if fmt == "csv" else read_xlsx(path)["All data"]
        by_uid = {row["Study instance UID"]: row[header] for row in rows}
        assert float(by_uid["4.2"]) == pytest.approx(1.234), fmt
        assert by_uid["4.3"] in (None, ""), fmt
