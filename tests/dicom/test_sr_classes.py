"""A dose report is recognised by its content (PS3.3 C.17.3 SR Document Content, PS3.16 root
template and title), whatever SR storage SOP class carries it: the record is the same as under
X-Ray Radiation Dose SR (PS3.4 B.5). Generated objects, so no sample file is needed."""

from __future__ import annotations

import dataclasses
import io
import random

import pydicom
import pytest
from pydicom.dataset import Dataset

from openrem.dicom.classify import COMPREHENSIVE_3D_SR, EXTENSIBLE_SR, Kind
from openrem.dicom.parse import Status, parse_bytes
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.generate import BUILDERS

PRIVATE_CLASS = "1.3.6.1.4.1.99999.1.2.3"  # a vendor's own class


def _generated(kind: str, seed: int) -> Dataset:
    rng = random.Random(seed)
    builder, device = BUILDERS[kind]
    return builder(rng, device=device(rng))


def _with_class(ds: Dataset, sop_class: str) -> bytes:
    ds.SOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    return to_bytes(ds)


@pytest.mark.parametrize("kind", ["CT", "RF", "MG", "NM"])
@pytest.mark.parametrize("sop_class", [COMPREHENSIVE_3D_SR, EXTENSIBLE_SR, PRIVATE_CLASS],
                         ids=["comprehensive_3d", "extensible", "private"])
def test_dose_report_under_another_sr_class_gives_the_same_record(kind: str, sop_class: str) -> None:
    original = parse_bytes(to_bytes(_generated(kind, 5)))
    assert original.status is Status.PARSED and original.report is not None, original.reason
    other = parse_bytes(_with_class(_generated(kind, 5), sop_class))
    assert other.status is Status.PARSED, other.reason
    assert other.kind is original.kind
    if sop_class == PRIVATE_CLASS:  # read by its content: the reason says under which class
        assert f"SOP class {sop_class}" in other.reason
    assert other.report is not None
    assert other.report.study.sop_class_uid == sop_class  # stored as the file says
    study = dataclasses.replace(other.report.study, sop_class_uid=original.report.study.sop_class_uid)
    assert dataclasses.replace(other.report, study=study) == original.report


def test_other_sr_content_under_another_class_is_not_a_dose_object() -> None:
    ds = _generated("CT", 6)
    ds.ConceptNameCodeSequence[0].CodeValue = "18748-4"  # "Diagnostic imaging report" (LN)
    ds.ConceptNameCodeSequence[0].CodingSchemeDesignator = "LN"
    ds.ConceptNameCodeSequence[0].CodeMeaning = "Diagnostic imaging report"
    del ds.ContentTemplateSequence
    result = parse_bytes(_with_class(ds, COMPREHENSIVE_3D_SR))
    assert result.kind is Kind.NOT_DOSE and result.report is None
    assert "not a dose object" in result.reason or "not a radiation dose report" in result.reason


def _without_dataset_class(ds: Dataset, meta_class: str | None) -> bytes:
    data = to_bytes(ds)
    reread = pydicom.dcmread(io.BytesIO(data))
    del reread.SOPClassUID
    if meta_class is None:
        del reread.file_meta.MediaStorageSOPClassUID
    else:
        reread.file_meta.MediaStorageSOPClassUID = meta_class
    out = io.BytesIO()
    reread.save_as(out, enforce_file_format=False)
    return out.getvalue()


def test_the_file_meta_names_the_class_when_the_dataset_does_not() -> None:
    """PS3.10 7.1: Media Storage SOP Class UID (0002,0002) is the SOP Class UID of the object."""
    original = parse_bytes(to_bytes(_generated("CT", 7)))
    result = parse_bytes(_without_dataset_class(_generated("CT", 7), "1.2.840.10008.5.1.4.1.1.88.67"))
    assert result.status is Status.PARSED, result.reason
    assert result.report == original.report


def test_no_class_anywhere_is_unreadable_with_a_reason() -> None:
    result = parse_bytes(_without_dataset_class(_generated("CT", 8), None))
    assert result.status is Status.UNREADABLE and "no SOP Class UID" in result.reason
