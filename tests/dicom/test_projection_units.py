"""Unit handling, derived values and modality rules of the projection parser (synthetic SR items)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from openrem.dicom import codes
from openrem.dicom.parse import parse_path
from openrem.dicom.rdsr.proj_accumulated import read_accumulated
from openrem.dicom.rdsr.proj_source import read_source
from openrem.dicom.rdsr.proj_values import DAP_GY_M2, DOSE_GY, convert
from openrem.dicom.srtree import Code, ContentItem


class Ctx:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.fixes: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def fixed(self, name: str) -> None:
        self.fixes.append(name)


def num(concept: codes.Concept, value: str, unit: str | None) -> ContentItem:
    code_value, scheme = sorted(concept.keys)[0]
    return ContentItem("CONTAINS", "NUM", Code(code_value, scheme, concept.name), number=value,
                       unit=Code(unit, "UCUM", unit) if unit else None)


def container(concept: codes.Concept, *children: ContentItem) -> ContentItem:
    code_value, scheme = sorted(concept.keys)[0]
    return ContentItem("CONTAINS", "CONTAINER", Code(code_value, scheme, concept.name), children=children)


def test_dap_in_dgy_cm2_is_converted() -> None:
    ctx = Ctx()
    assert convert(num(codes.DOSE_AREA_PRODUCT, "12.5", "dGy.cm2"), DAP_GY_M2, ctx) == pytest.approx(12.5e-5)
    assert convert(num(codes.DOSE_RP, "3", "mGy"), DOSE_GY, ctx) == pytest.approx(3e-3)
    assert not ctx.warnings


def test_unexpected_unit_is_dropped_with_warning() -> None:
    """The one rule (openrem.dicom.quantity): a value in an unknown unit is not stored; the warning keeps it."""
    ctx = Ctx()
    assert convert(num(codes.DOSE_RP, "3", "R"), DOSE_GY, ctx) is None
    assert ctx.warnings and "unexpected unit 'R'" in ctx.warnings[0] and "3" in ctx.warnings[0]


def test_not_a_number_is_dropped_with_warning() -> None:
    ctx = Ctx()
    assert convert(num(codes.DOSE_RP, "abc", "Gy"), DOSE_GY, ctx) is None
    assert ctx.warnings


def test_derived_exposure_time_and_current() -> None:
    ctx = Ctx()
    event = container(
        codes.IRRADIATION_EVENT_XRAY_DATA,
        num(codes.NUMBER_OF_PULSES, "10", "1"),
        num(codes.PULSE_WIDTH, "4", "ms"), num(codes.PULSE_WIDTH, "6", "ms"),
        num(codes.XRAY_TUBE_CURRENT, "10", "mA"), num(codes.XRAY_TUBE_CURRENT, "20", "mA"),
        num(codes.KVP, "70", "kV"),
    )
    source = read_source(event, ctx)
    assert source.exposure_time == pytest.approx(50.0)  # mean 5 ms x 10 pulses
    assert source.average_xray_tube_current == pytest.approx(15.0)
    assert source.pulse_width == (4.0, 6.0)
    assert source.kvp == (70.0,)


def test_accumulated_sub_templates() -> None:
    ctx = Ctx()
    plane = read_accumulated(container(
        codes.ACCUMULATED_XRAY_DOSE_DATA,
        num(codes.DOSE_AREA_PRODUCT_TOTAL, "1", "Gy.cm2"),
        num(codes.TOTAL_FLUORO_TIME, "2000", "ms"),
    ), None, ctx)
    assert plane.accum_integrated is not None
    assert plane.accum_integrated.dose_area_product_total == pytest.approx(1e-4)
    assert plane.accum_proj is not None and plane.accum_proj.total_fluoro_time == pytest.approx(2.0)
    assert any("Acquisition Plane" in w for w in ctx.warnings)


@pytest.mark.parametrize(("name", "modality"), [
    ("Dual-RDSR-DX.dcm", "DX"),  # fluoro DAP and time present but zero
    ("Dual-RDSR-RF.dcm", "RF"),
    ("DX-RDSR-Carestream_DRXEvolution.dcm", "DX"),  # Integrated Projection Radiography System
    ("MG-RDSR-Hologic_mix.dcm", "MG"),
])
def test_modality(name: str, modality: str, sample: Callable[[str], Path]) -> None:
    result = parse_path(sample(name))
    assert result.report is not None and result.report.modality == modality
