"""Text whose bytes the declared Specific Character Set does not describe (PS3.5 6.1.2.3):
UTF-8 in objects that declare no set, and non-UTF-8 bytes in objects that declare ISO_IR 192.
Generated objects of every kind, so no sample file is needed."""

from __future__ import annotations

import random

import pytest
from pydicom.dataset import Dataset

from openrem.dicom.parse import Status, parse_bytes
from openrem.dicom.records import DoseReport
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.generate import BUILDERS

WORDS = "Tórax ñandú 胸部"
LATIN1_WORDS = "Tórax ñandú"
KINDS = ["CT", "RF", "MG", "NM", "DX_IMAGE", "MG_IMAGE", "NM_IMAGE"]


def _generated(kind: str, seed: int = 4) -> Dataset:
    rng = random.Random(seed)
    builder, device = BUILDERS[kind]
    return builder(rng, device=device(rng))


def _charset(ds: Dataset, term: str | None) -> Dataset:
    if term is None:
        if "SpecificCharacterSet" in ds:
            del ds.SpecificCharacterSet
    else:
        ds.SpecificCharacterSet = term
    return ds


def _parsed(ds: Dataset) -> DoseReport:
    result = parse_bytes(to_bytes(ds))
    assert result.status is Status.PARSED and result.report is not None, result.reason
    return result.report


def _protocol_items(ds: Dataset) -> list[Dataset]:
    """The Acquisition Protocol (125203, DCM) TEXT items of the SR content."""
    found, stack = [], list(ds.get("ContentSequence") or [])
    while stack:
        item = stack.pop(0)
        concept = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "TEXT" and concept and concept[0].CodeValue == "125203":
            found.append(item)
        stack.extend(item.get("ContentSequence") or [])
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_utf8_without_a_declared_set_is_read_as_utf8(kind: str) -> None:
    ds = _charset(_generated(kind), None)
    ds.StudyDescription = WORDS.encode("utf-8")
    report = _parsed(ds)
    assert report.study.study_description == WORDS
    assert "utf8_text_undeclared_charset" in report.vendor_fixes


def test_utf8_only_in_the_sr_content_counts_too() -> None:
    ds = _charset(_generated("CT"), None)
    items = _protocol_items(ds)
    assert items, "the generated CT report names its acquisition protocols"
    for item in items:
        item.TextValue = WORDS.encode("utf-8")
    report = _parsed(ds)
    assert "utf8_text_undeclared_charset" in report.vendor_fixes
    assert {e.acquisition_protocol for e in report.ct_radiation_dose[0].events} == {WORDS}


@pytest.mark.parametrize("kind", ["CT", "DX_IMAGE"])
def test_latin1_without_a_declared_set_stays_latin1(kind: str) -> None:
    ds = _charset(_generated(kind), None)
    ds.StudyDescription = LATIN1_WORDS.encode("latin-1")
    report = _parsed(ds)
    assert report.study.study_description == LATIN1_WORDS
    assert not {"utf8_text_undeclared_charset", "latin1_text_in_utf8_object"} & set(report.vendor_fixes)


@pytest.mark.parametrize("kind", ["CT", "NM", "DX_IMAGE", "MG_IMAGE"])
def test_latin1_bytes_declared_utf8_keep_their_letters(kind: str) -> None:
    ds = _charset(_generated(kind), "ISO_IR 192")
    ds.StudyDescription = LATIN1_WORDS.encode("latin-1")
    report = _parsed(ds)
    assert report.study.study_description == LATIN1_WORDS  # not 'T\ufffdrax'
    assert "latin1_text_in_utf8_object" in report.vendor_fixes


def test_genuine_utf8_declared_utf8_is_left_alone() -> None:
    ds = _charset(_generated("CT"), "ISO_IR 192")
    ds.StudyDescription = WORDS.encode("utf-8")
    report = _parsed(ds)
    assert report.study.study_description == WORDS
    assert "latin1_text_in_utf8_object" not in report.vendor_fixes


def test_mixed_evidence_changes_nothing() -> None:
    ds = _charset(_generated("DX_IMAGE"), None)
    ds.StudyDescription = WORDS.encode("utf-8")
    ds.ProtocolName = LATIN1_WORDS.encode("latin-1")
    report = _parsed(ds)
    assert "utf8_text_undeclared_charset" not in report.vendor_fixes
    assert report.study.study_description == WORDS.encode("utf-8").decode("latin-1")  # as before: ISO 8859-1
