"""Containers wrapped in one more container than their template places them are read there.

A writer that wraps the CT Dose (TID 10013), the CT Acquisitions (TID 10011) or the Irradiation
Events (TID 10001) in an extra container used to lose every value in them without a warning.
"""

from __future__ import annotations

import random

import pytest
from pydicom.dataset import Dataset

from openrem.dicom.parse import parse_bytes
from openrem.dicom.records import DoseReport
from openrem.dicom.synth import ct_rdsr
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.hostile import _dataset, _items, _save
from openrem.dicom.synth.projection_random import rf_rdsr


def _report(data: bytes) -> DoseReport:
    result = parse_bytes(data)
    assert result.report is not None, result.reason
    return result.report


def _wrapper(children: list[Dataset]) -> Dataset:
    name = Dataset()
    name.CodeValue, name.CodingSchemeDesignator, name.CodeMeaning = "W-1", "99VENDOR", "Vendor group"
    item = Dataset()
    item.RelationshipType, item.ValueType, item.ContinuityOfContent = "CONTAINS", "CONTAINER", "SEPARATE"
    item.ConceptNameCodeSequence = [name]
    item.ContentSequence = children
    return item


def _wrap(holder: Dataset, concept_value: str) -> int:
    """Move the children of ``holder`` named ``concept_value`` into one wrapper container."""
    children = list(holder.ContentSequence)
    moved = [c for c in children if c.ConceptNameCodeSequence[0].CodeValue == concept_value]
    kept = [c for c in children if c not in moved]
    holder.ContentSequence = [*kept, _wrapper(moved)]
    return len(moved)


def _named(ds: Dataset, concept_value: str) -> list[Dataset]:
    return [i for i in _items(ds) if i.get("ConceptNameCodeSequence")
            and i.ConceptNameCodeSequence[0].CodeValue == concept_value]


def test_ct_dose_wrapped_in_a_container() -> None:
    data = to_bytes(ct_rdsr(random.Random(8)))
    ds = _dataset(data)
    for acquisition in _named(ds, "113819"):  # CT Acquisition
        assert _wrap(acquisition, "113829") == 1  # its CT Dose
    usual, wrapped = _report(data), _report(_save(ds))
    assert wrapped.ct_radiation_dose == usual.ct_radiation_dose
    assert [e.dlp for e in wrapped.ct_radiation_dose[0].events if e.dlp is None] == []
    assert any("CT Dose: 1 found inside 'Vendor group', one level deeper than TID 10013" in w
               for w in wrapped.warnings)


@pytest.mark.parametrize(("builder", "concept"), [(ct_rdsr, "113819"), (rf_rdsr, "113706")])
def test_events_wrapped_in_a_container(builder, concept: str) -> None:  # type: ignore[no-untyped-def]
    data = to_bytes(builder(random.Random(9)))
    ds = _dataset(data)
    assert _wrap(ds, concept) > 1
    usual, wrapped = _report(data), _report(_save(ds))
    doses = "ct_radiation_dose" if builder is ct_rdsr else "projection_xray_radiation_dose"
    assert getattr(wrapped, doses) == getattr(usual, doses)
    assert any("one level deeper than TID 100" in w for w in wrapped.warnings)
