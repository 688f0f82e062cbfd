"""Hostile dose objects: one generated file per class of input that once stopped an import run.

Each builder starts from a generated CT Radiation Dose SR (PS3.16 TID 10011, explicit VR little
endian, see :mod:`openrem.dicom.synth.ct`) and breaks it in one way seen when fuzzing:

==========================  ================================================================
class                       what is broken (the exception it used to raise)
==========================  ================================================================
``huge_integer``            Number of X-Ray Sources (113823) = 1e308 (OverflowError on SQLite)
``code_sequence_wrong_vr``  a Concept Name Code Sequence with VR UT instead of SQ (AttributeError)
``deep_nesting``            500 nested CONTAINER levels in the content tree (RecursionError)
``truncated_sequence``      undefined-length Content Sequence cut short (refused: "sequence truncated")
``flipped_vr_length``       SOP Class UID with VR FD (pydicom BytesLengthException)
``flipped_vr_unknown``      SOP Class UID with an unknown VR (NotImplementedError)
``infinite_values``         DLP 1e308 mGy.cm and CTDIvol 1e308 Gy (non-finite after conversion)
``negative_dose``           CTDIvol and DLP of -500 (stored without a warning)
``nul_in_text``             a NUL byte inside the acquisition protocol (refused by PostgreSQL)
``nul_in_warning``          a NUL byte in text a warning quotes (refused by PostgreSQL's JSON)
``overlong_names``          3000-character description, protocol, event UID (PostgreSQL index)
``impossible_age``          Patient Age "-05Y" (ValueError in the effective dose estimate)
==========================  ================================================================

Every builder is deterministic for a given seed.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable
from io import BytesIO

from pydicom import dcmread
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset

from openrem.dicom.synth import encode as e
from openrem.dicom.synth import vocab as v
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.ct import ct_rdsr

CONTENT_SEQUENCE_TAG = b"\x40\x00\x30\xa7"
CONCEPT_NAME_SQ = b"\x40\x00\x43\xa0SQ"
SOP_CLASS_UI = b"\x08\x00\x16\x00UI"


def base_ct(seed: int = 0) -> bytes:
    """A valid generated CT RDSR (the starting point of every hostile object)."""
    return to_bytes(ct_rdsr(random.Random(seed)))


def _dataset(data: bytes) -> Dataset:
    return dcmread(BytesIO(data), force=True)


def _save(ds: Dataset) -> bytes:
    out = BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _items(ds: Dataset) -> list[Dataset]:
    """Every content item of ``ds``'s tree, without recursion."""
    out: list[Dataset] = []
    stack = list(ds.get("ContentSequence", []))
    while stack:
        item = stack.pop()
        out.append(item)
        stack.extend(item.get("ContentSequence", []))
    return out


def set_num(data: bytes, concept_value: str, value: str) -> bytes:
    """Set the Numeric Value of every NUM item with concept code ``concept_value`` to ``value``."""
    ds = _dataset(data)
    found = False
    for item in _items(ds):
        names = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "NUM" and names and names[0].CodeValue == concept_value:
            item.MeasuredValueSequence[0]["NumericValue"].value = value
            found = True
    if not found:
        raise ValueError(f"no NUM item {concept_value}")
    return _save(ds)


def huge_integer(seed: int = 0) -> bytes:
    return set_num(base_ct(seed), "113823", "1e308")


def code_sequence_wrong_vr(seed: int = 0) -> bytes:
    data = base_ct(seed)
    at = data.find(CONCEPT_NAME_SQ, data.find(CONTENT_SEQUENCE_TAG))
    return data[:at + 4] + b"UT" + data[at + 6:]


def deep_nesting(seed: int = 0, levels: int = 500) -> bytes:
    """``levels`` CONTAINER items each holding the next, appended to the root Content Sequence."""
    body = e.text("CONTAINS", v.COMMENT, "innermost")
    for _ in range(levels - 1):
        body = e.container("CONTAINS", v.COMMENT, [body])
    ds = ct_rdsr(random.Random(seed))
    raw = ds.get_item(0x0040A730)  # the raw (still encoded) Content Sequence of the generator
    value = bytes(raw.value) + e.item(body)
    ds[0x0040A730] = RawDataElement(raw.tag, "SQ", len(value), value, 0, False, True)
    return to_bytes(ds)


def truncated_sequence(seed: int = 0) -> bytes:
    """Content Sequence re-written with undefined length, the file cut 6 bytes after its first item
    (PS3.5 7.5: the reader finds half an item header where the next item or the delimiter belongs)."""
    data = base_ct(seed)
    at = data.find(CONTENT_SEQUENCE_TAG + b"SQ\x00\x00")
    (length,) = struct.unpack_from("<I", data, at + 8)
    body = data[at + 12:at + 12 + length]
    (first,) = struct.unpack_from("<I", body, 4)
    undefined = data[:at + 8] + b"\xff\xff\xff\xff" + body + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00"
    return undefined[:at + 12 + 8 + first + 6]


def _flip_sop_class_vr(data: bytes, vr: bytes) -> bytes:
    at = data.find(SOP_CLASS_UI, 132)
    return data[:at + 4] + vr + data[at + 6:]


def flipped_vr_length(seed: int = 0) -> bytes:
    return _flip_sop_class_vr(base_ct(seed), b"FD")


def flipped_vr_unknown(seed: int = 0) -> bytes:
    return _flip_sop_class_vr(base_ct(seed), b"QQ")


def infinite_values(seed: int = 0) -> bytes:
    data = set_num(base_ct(seed), "113838", "1e308")  # DLP
    ds = _dataset(data)
    for item in _items(ds):
        names = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "NUM" and names and names[0].CodeValue == "113830":  # Mean CTDIvol
            mv = item.MeasuredValueSequence[0]
            mv.NumericValue = "1e308"
            mv.MeasurementUnitsCodeSequence[0].CodeValue = "Gy"  # converted to mGy: overflows to inf
            mv.MeasurementUnitsCodeSequence[0].CodeMeaning = "Gy"
    return _save(ds)


def negative_dose(seed: int = 0) -> bytes:
    return set_num(set_num(base_ct(seed), "113830", "-500"), "113838", "-500")


def nul_in_text(seed: int = 0) -> bytes:
    ds = _dataset(base_ct(seed))
    for item in _items(ds):
        names = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "TEXT" and names and names[0].CodeValue == "125203":  # Acquisition Protocol
            item.TextValue = "Head\x00Routine"
    ds.StudyDescription = "CT\x00Head"
    return _save(ds)


def nul_in_warning(seed: int = 0) -> bytes:
    """A NUM item without a value whose Numeric Value Qualifier meaning holds a NUL byte: the
    warning quoting it used to reach the study's warnings (a JSON column) unchanged."""
    ds = _dataset(base_ct(seed))
    for item in _items(ds):
        names = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "NUM" and names and names[0].CodeValue == "113830":  # Mean CTDIvol
            qualifier = Dataset()
            qualifier.CodeValue, qualifier.CodingSchemeDesignator = "114006", "DCM"
            qualifier.CodeMeaning = "Measurement\x00failure"
            item.MeasuredValueSequence = []
            item.NumericValueQualifierCodeSequence = [qualifier]
            break
    return _save(ds)


def _noise_text(rng: random.Random, characters: int) -> str:
    """Text that does not compress: random CJK ideographs (3 UTF-8 bytes each)."""
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(characters))


def overlong_names(seed: int = 0) -> bytes:
    """A study description, acquisition protocols and an irradiation event UID of 3000 characters
    each: over the 2704 bytes of a PostgreSQL b-tree index entry."""
    rng = random.Random(seed)
    ds = _dataset(base_ct(seed))
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.StudyDescription = _noise_text(rng, 3000)
    for item in _items(ds):
        names = item.get("ConceptNameCodeSequence")
        concept = names[0].CodeValue if names else None
        if item.get("ValueType") == "TEXT" and concept == "125203":  # Acquisition Protocol
            item.TextValue = _noise_text(rng, 3000)
        if item.get("ValueType") == "UIDREF" and concept == "113769":  # Irradiation Event UID
            item.UID = "1." + ".".join(str(rng.randrange(10**8)) for _ in range(340))
    return _save(ds)


def impossible_age(seed: int = 0) -> bytes:
    """Patient Age "-05Y" (an Age String has no sign, PS3.5 Table 6.2-1), no birth date."""
    ds = _dataset(base_ct(seed))
    ds.PatientAge = "-05Y"
    ds.PatientBirthDate = ""
    return _save(ds)


BUILDERS: dict[str, Callable[[int], bytes]] = {
    "huge_integer": huge_integer,
    "code_sequence_wrong_vr": code_sequence_wrong_vr,
    "deep_nesting": deep_nesting,
    "truncated_sequence": truncated_sequence,
    "flipped_vr_length": flipped_vr_length,
    "flipped_vr_unknown": flipped_vr_unknown,
    "infinite_values": infinite_values,
    "negative_dose": negative_dose,
    "nul_in_text": nul_in_text,
    "nul_in_warning": nul_in_warning,
    "overlong_names": overlong_names,
    "impossible_age": impossible_age,
}
"""Every hostile class by name (see the module docstring)."""

