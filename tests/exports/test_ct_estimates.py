"""CT exports carry SSDE (per event, with its method) and the effective dose estimate as their own columns."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from export_support import read_csv, read_xlsx

from factories import ct_event, ct_report
from openrem.dicom import records as r
from openrem.dose.ingest import ingest
from openrem.exports.run import CommandUser, run_export

pytestmark = pytest.mark.django_db
BODY = r.Coded("113691", "DCM", "IEC Body Dosimetry Phantom")
CHEST = r.Coded("T-D3000", "SRT", "Chest")


def test_ssde_and_effective_dose_columns(tmp_path: Path) -> None:
    report = ct_report("8.1", "8.1.1", [])
    scan = replace(ct_event("x1", dlp=290.0, ctdi=10.0), ctdiw_phantom_type=BODY, target_region=CHEST,
                   water_equivalent_diameter=200.0)
    ingest(replace(report, ct_radiation_dose=(replace(report.ct_radiation_dose[0], events=(scan,)),)))
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"ct.{fmt}"
        run_export("ct", fmt, {}, CommandUser(), str(path))
        rows = read_csv(path) if fmt == "csv" else read_xlsx(path)["All data"]
        row = rows[0]
        ctdivol = next(v for k, v in row.items() if k.endswith("CTDIvol (mGy)"))
        ssde = next(v for k, v in row.items() if k.endswith(" SSDE (mGy)"))
        method = next(v for k, v in row.items() if k.endswith("SSDE method"))
        assert float(ctdivol) == pytest.approx(10.0), fmt  # CTDIvol exported as reported
        assert float(ssde) == pytest.approx(17.774, abs=5e-3), fmt  # 10 mGy x f(20 cm), 32 cm fit
        assert method == "water_equivalent_diameter", fmt
        assert float(row["Highest SSDE (mGy)"]) == pytest.approx(17.774, abs=5e-3), fmt
        header = "Effective dose estimate (population average, not patient dose) (mSv)"
        assert float(row[header]) == pytest.approx(290 * 0.014), fmt
        assert row["Effective dose region"] == "chest", fmt
