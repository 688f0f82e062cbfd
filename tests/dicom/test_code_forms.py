"""Codes and numbers in the other forms PS3.3 and PS3.5 allow, read like their usual form.

* A code's value may be sent as Long Code Value (0008,0119) or URN Code Value (0008,0120) instead
  of Code Value (PS3.3 8.1); both readers (raw and pydicom) take all three. A unit that was not
  read would be "taken as" the stored unit: uGy read as mGy is a factor of 1000.
* Coding Scheme Designator is CS (upper case); "dcm" or " DCM" is still DCM.
* A Decimal String holds digits, sign, point and exponent only: '1_000' (which Python's float
  takes) and '7.46/100' (which was read as 7.46) are not numbers.
"""

from __future__ import annotations

import random

import pytest
from pydicom.dataset import Dataset

from openrem.dicom.parse import parse_bytes
from openrem.dicom.records import DoseReport
from openrem.dicom.synth import ct_rdsr
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.hostile import _dataset, _items, _save, set_num
from openrem.dicom.values import parse_ds

MEAN_CTDIVOL = "113830"


def _report(data: bytes) -> DoseReport:
    result = parse_bytes(data)
    assert result.report is not None, result.reason
    return result.report


def _ctdivols(report: DoseReport) -> list[float | None]:
    return [e.mean_ctdivol for d in report.ct_radiation_dose for e in d.events]


def _base() -> bytes:
    return to_bytes(ct_rdsr(random.Random(5)))


@pytest.mark.parametrize("keyword", ["LongCodeValue", "URNCodeValue"])
def test_unit_in_another_code_value_element(keyword: str) -> None:
    ds = _dataset(set_num(_base(), MEAN_CTDIVOL, "150"))
    for item in _items(ds):
        names = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "NUM" and names and names[0].CodeValue == MEAN_CTDIVOL:
            unit = item.MeasuredValueSequence[0].MeasurementUnitsCodeSequence[0]
            del unit.CodeValue
            setattr(unit, keyword, "uGy")
            unit.CodeMeaning = "microgray"
    report = _report(_save(ds))
    assert _ctdivols(report) and all(v == pytest.approx(0.15) for v in _ctdivols(report))
    assert not any("no unit" in w for w in report.warnings)


def test_lower_case_coding_scheme_designators() -> None:
    data = _base()
    ds = _dataset(data)
    stack: list[Dataset] = [ds]
    while stack:  # every code of the document, at every level
        item = stack.pop()
        for element in item:
            if element.VR == "SQ":
                stack.extend(element.value)
        if "CodingSchemeDesignator" in item:
            item.CodingSchemeDesignator = item.CodingSchemeDesignator.lower()
    usual, lower = _report(data), _report(_save(ds))
    assert _ctdivols(lower) == _ctdivols(usual) and None not in _ctdivols(usual)
    assert [e.dlp for d in lower.ct_radiation_dose for e in d.events] == \
        [e.dlp for d in usual.ct_radiation_dose for e in d.events]
    assert lower.ct_radiation_dose[0].accumulated == usual.ct_radiation_dose[0].accumulated
    assert lower.ct_radiation_dose[0].accumulated


@pytest.mark.parametrize(("text", "value"), [
    ("1_000", None), ("7_46", None), ("7.46/100", None), ("nan", None), ("infinity", None), ("0x10", None),
    ("+7.46", 7.46), (" 7.46 ", 7.46), (".746E+1", 7.46), ("746e-2", 7.46), ("7.", 7.0), ("-0.5", -0.5),
])
def test_decimal_string_characters(text: str, value: float | None) -> None:
    assert parse_ds(text) == (pytest.approx(value) if value is not None else None)


@pytest.mark.parametrize("text", ["7_46", "7.46/1"])
def test_no_number_in_an_sr_item_is_dropped_with_a_warning(text: str) -> None:
    placeholder = "9.8765"  # written by pydicom, then replaced by bytes pydicom would not write
    data = set_num(_base(), MEAN_CTDIVOL, placeholder)
    assert data.count(placeholder.encode()) >= 1 and len(text) <= len(placeholder)
    report = _report(data.replace(placeholder.encode(), text.ljust(len(placeholder)).encode()))
    assert all(v is None for v in _ctdivols(report))
    assert any(f"{text!r} is not a number" in w for w in report.warnings)
