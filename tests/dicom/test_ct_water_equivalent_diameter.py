"""Water Equivalent Diameter (113980, DCM; AAPM Report 220) of PS3.16 TID 10013, read into mm."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from pydicom.dataset import Dataset

from openrem.dicom import codes
from openrem.dicom.classify import Kind
from openrem.dicom.parse import ParseContext, parse_bytes
from openrem.dicom.rdsr.ct_event import read_event
from openrem.dicom.srtree import Code, ContentItem
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.ct import ct_dataset, ct_spec


def _bytes(ds: Dataset) -> bytes:
    return to_bytes(ds)


def test_synthetic_rdsr_dw_in_cm_is_stored_in_mm() -> None:
    spec = ct_spec(random.Random(7))
    events = tuple(replace(ev, water_equivalent_diameter_cm=24.5) if i == len(spec.events) - 1 else ev
                   for i, ev in enumerate(spec.events))
    result = parse_bytes(_bytes(ct_dataset(replace(spec, events=events))))
    assert result.report is not None
    parsed = result.report.ct_radiation_dose[0].events
    assert parsed[-1].water_equivalent_diameter == pytest.approx(245.0)
    assert all(e.water_equivalent_diameter is None for e in parsed[:-1])


def _name(concept: codes.Concept) -> Code:
    value, scheme = sorted(concept.keys)[0]
    return Code(value, scheme, concept.name)


def test_dw_nested_below_another_item_of_ct_dose_is_found() -> None:
    dw = ContentItem("HAS PROPERTIES", "NUM", _name(codes.WATER_EQUIVALENT_DIAMETER), number="180",
                     unit=Code("mm", "UCUM", "mm"))
    ssde = ContentItem("CONTAINS", "NUM", Code("113930", "DCM", "Size Specific Dose Estimation"), number="9.1",
                       unit=Code("mGy", "UCUM", "mGy"), children=(dw,))
    ct_dose = ContentItem("CONTAINS", "CONTAINER", _name(codes.CT_DOSE), children=(
        ContentItem("CONTAINS", "NUM", _name(codes.MEAN_CTDIVOL), number="5", unit=Code("mGy", "UCUM", "mGy")),
        ssde))
    event = ContentItem("CONTAINS", "CONTAINER", _name(codes.CT_ACQUISITION), children=(
        ContentItem("CONTAINS", "UIDREF", _name(codes.IRRADIATION_EVENT_UID), text="1.2.3"), ct_dose))
    record = read_event(ParseContext(ds=Dataset(), root=None, kind=Kind.CT_RDSR), event)
    assert record.water_equivalent_diameter == pytest.approx(180.0)
    assert record.mean_ctdivol == pytest.approx(5.0)
