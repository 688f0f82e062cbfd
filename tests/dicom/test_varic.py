"""Siemens Arcadis Varic radiation summary (Enhanced SR, 99SMS_RADSUM private codes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from openrem.dicom.parse import Status, parse_path


def test_varic_private_summary(sample: Callable[[str], Path]) -> None:
    result = parse_path(sample("RF-ESR-Siemens-Varic.dcm"))
    assert result.status is Status.PARSED, result.reason
    report = result.report
    assert report is not None
    assert report.kind == "varic_esr"
    assert report.modality == "RF"
    assert "siemens_varic_private_summary" in report.vendor_fixes
    (dose,) = report.projection_xray_radiation_dose
    (plane,) = dose.accumulated
    assert plane.acquisition_plane is not None and plane.acquisition_plane.value == "113622"
    assert plane.accum_integrated is not None and plane.accum_proj is not None
    assert plane.accum_integrated.dose_area_product_total == pytest.approx(0.2359e-4)  # 0.2359 Gy.cm2
    assert plane.accum_integrated.total_number_of_radiographic_frames == 0
    assert plane.accum_proj.total_fluoro_time == pytest.approx(34.427)
    assert dose.events == ()
