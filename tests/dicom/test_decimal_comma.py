"""Numbers written with a decimal comma (PS3.5 6.2: a Decimal String uses a point) are read, in image
headers and in SR numeric content items; '1,234', which may be a thousands separator, is not.
Generated objects, so no sample file is needed."""

from __future__ import annotations

import io
import random

import pydicom
import pytest
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import Tag

from openrem.dicom.parse import Status, parse_bytes
from openrem.dicom.records import DoseReport
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.generate import BUILDERS
from openrem.dicom.values import decimal_comma

DAP_TAG, KVP_TAG, NUMERIC_VALUE = 0x0018115E, 0x00180060, 0x0040A30A
CTDIVOL = "113830"


@pytest.mark.parametrize(("text", "number"), [
    ("1,23", 1.23), ("80,0", 80.0), (" 0,5 ", 0.5), ("-2,5", -2.5), ("1,2E-3", 0.0012), (",5", 0.5),
    ("1,234", None), ("12,500", None),  # perhaps thousands
    ("1.06,0.206", None), ("1,2,3", None), ("12", None), ("abc", None), ("1\\2", None),
])
def test_what_is_a_decimal_comma(text: str, number: float | None) -> None:
    assert decimal_comma(text) == number


def _raw_ds(ds: Dataset, tag: int, text: str) -> None:
    value = text.encode("ascii")
    value += b" " * (len(value) % 2)
    ds._dict[Tag(tag)] = RawDataElement(Tag(tag), "DS", len(value), value, 0, False, True)




def _parsed(data: bytes) -> DoseReport:
    result = parse_bytes(data)
    assert result.status is Status.PARSED and result.report is not None, result.reason
    return result.report


def _dx_with(dap: str, kvp: str) -> DoseReport:
    rng = random.Random(2)
    builder, device = BUILDERS["DX_IMAGE"]
    ds = pydicom.dcmread(io.BytesIO(to_bytes(builder(rng, device=device(rng)))))
    _raw_ds(ds, DAP_TAG, dap)
    _raw_ds(ds, KVP_TAG, kvp)
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return _parsed(out.getvalue())


def test_image_header_values_with_a_decimal_comma() -> None:
    report = _dx_with("1,23", "80,0")
    event = report.projection_xray_radiation_dose[0].events[0]
    assert event.dose_area_product == pytest.approx(1.23e-5)  # dGy·cm² -> Gy·m²
    assert event.source.kvp == (80.0,)
    assert "decimal_comma_in_decimal_string" in report.vendor_fixes
    assert not any("is not a number" in w for w in report.warnings)


def test_a_possible_thousands_separator_is_not_read() -> None:
    report = _dx_with("1,234", "80")
    assert report.projection_xray_radiation_dose[0].events[0].dose_area_product is None
    assert "decimal_comma_in_decimal_string" not in report.vendor_fixes
    assert any("'1,234" in w and "is not a number" in w for w in report.warnings)


def test_sr_numeric_value_with_a_decimal_comma() -> None:
    rng = random.Random(9)
    builder, device = BUILDERS["CT"]
    original = builder(rng, device=device(rng))
    expected = _parsed(to_bytes(original))
    ds = pydicom.dcmread(io.BytesIO(to_bytes(original)))
    changed = 0
    stack = list(ds.ContentSequence)
    while stack:
        item = stack.pop()
        concept = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "NUM" and concept and concept[0].CodeValue == CTDIVOL:
            measured = item.MeasuredValueSequence[0]
            value = float(measured.NumericValue)
            _raw_ds(measured, NUMERIC_VALUE, repr(value).replace(".", ","))
            changed += 1
        stack.extend(item.get("ContentSequence") or [])
    assert changed
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    report = _parsed(out.getvalue())
    assert "decimal_comma_in_decimal_string" in report.vendor_fixes
    read = [e.mean_ctdivol for e in report.ct_radiation_dose[0].events]
    assert read == [e.mean_ctdivol for e in expected.ct_radiation_dose[0].events]
    assert all(v is not None for v in read)
