"""Breast compression of a mammography event: force, pressure and contact area (TID 10003c rows
DCM 111647, 111648, 111649 of an RDSR; Compression Force, Pressure and Contact Area (0018,11A2),
(0018,11A3), (0018,11A5) of an image header), in N, kPa and mm2 whatever unit the report sends."""

from __future__ import annotations

import random

import pytest
from pydicom.dataset import Dataset

from openrem.dicom.parse import Status, parse_bytes
from openrem.dicom.records import DoseReport, Mechanical
from openrem.dicom.synth import images, projection_random
from openrem.dicom.synth.common import to_bytes

FORCE, PRESSURE, AREA = "111647", "111648", "111649"


def _parsed(ds: Dataset) -> DoseReport:
    result = parse_bytes(to_bytes(ds))
    assert result.status is Status.PARSED and result.report is not None, result.reason
    return result.report


def _mechanics(report: DoseReport) -> list[Mechanical]:
    return [e.mechanical for e in report.projection_xray_radiation_dose[0].events if e.mechanical is not None]


def _rows(ds: Dataset) -> list[Dataset]:
    """Every NUM content item of the dataset, at any depth."""
    found: list[Dataset] = []
    stack = list(ds.ContentSequence)
    while stack:
        item = stack.pop()
        if getattr(item, "ValueType", "") == "NUM":
            found.append(item)
        stack.extend(getattr(item, "ContentSequence", []))
    return found


def test_rdsr_compression_rows_are_read() -> None:
    spec = projection_random.mg_spec(random.Random(21))
    report = _parsed(projection_random.projection_dataset(spec))
    mechanics = _mechanics(report)
    assert len(mechanics) == len(spec.events)
    for mech, event in zip(mechanics, spec.events, strict=True):
        assert mech.compression_force == event.compression_force
        assert mech.compression_pressure == pytest.approx(event.compression_pressure)
        assert mech.compression_contact_area == event.compression_contact_area
        assert mech.compression_thickness == event.compression_thickness


@pytest.mark.parametrize(("code", "unit", "scale", "field"), [
    (FORCE, "daN", 10.0, "compression_force"),
    (PRESSURE, "Pa", 1e-3, "compression_pressure"),
    (PRESSURE, "hPa", 0.1, "compression_pressure"),
    (AREA, "cm2", 100.0, "compression_contact_area"),
])
def test_rdsr_compression_units_are_converted(code: str, unit: str, scale: float, field: str) -> None:
    spec = projection_random.mg_spec(random.Random(22))
    ds = projection_random.projection_dataset(spec)
    for item in _rows(ds):
        if item.ConceptNameCodeSequence[0].CodeValue == code:
            item.MeasuredValueSequence[0].MeasurementUnitsCodeSequence[0].CodeValue = unit
            item.MeasuredValueSequence[0].NumericValue = "7.5"
    mechanics = _mechanics(_parsed(ds))
    assert [getattr(m, field) for m in mechanics] == pytest.approx([7.5 * scale] * len(mechanics))


def test_rdsr_compression_in_an_unknown_unit_is_left_out_with_a_warning() -> None:
    ds = projection_random.projection_dataset(projection_random.mg_spec(random.Random(23)))
    for item in _rows(ds):
        if item.ConceptNameCodeSequence[0].CodeValue == FORCE:
            item.MeasuredValueSequence[0].MeasurementUnitsCodeSequence[0].CodeValue = "lbf"
    report = _parsed(ds)
    assert all(m.compression_force is None for m in _mechanics(report))
    assert any("Compression Force" in w for w in report.warnings)


def test_image_header_compression_is_read() -> None:
    ds = images.mg_image(random.Random(24))
    report = _parsed(ds)
    (mech,) = _mechanics(report)
    assert mech.compression_force == float(ds.CompressionForce)
    assert mech.compression_pressure == pytest.approx(float(ds.CompressionPressure))
    assert mech.compression_contact_area == float(ds.CompressionContactArea)
