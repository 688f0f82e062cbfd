"""Every native transfer syntax gives the same record; an SR tree is read completely or not at all.

Each shared sample is re-encoded (byte level, :mod:`openrem.dicom.synth.transcode`) in Implicit VR
Little Endian, Explicit VR Little Endian, Explicit VR Big Endian and Deflated Explicit VR Little
Endian; the parsed record must equal the original's.
"""

from __future__ import annotations

import dataclasses
import io
import random
from functools import cache
from pathlib import Path

import pydicom
import pytest
from pydicom.uid import DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian

from conftest import SHARED
from openrem.dicom import rawseq, srtree
from openrem.dicom.parse import ParseResult, Status, parse_bytes
from openrem.dicom.synth import projection_random, vocab
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.projection import projection_dataset
from openrem.dicom.synth.transcode import SYNTAXES, transcode

SAMPLES = sorted((SHARED / "dicom").glob("*.dcm"))


@cache
def _original(path: Path) -> tuple[bytes, ParseResult]:
    data = path.read_bytes()
    return data, parse_bytes(data)


@pytest.mark.parametrize("syntax", SYNTAXES, ids=lambda s: s.name.replace(" ", "_"))
def test_every_sample_parses_identically_in_every_syntax(syntax: str, sample) -> None:  # type: ignore[no-untyped-def]
    assert SAMPLES or sample("CT-RDSR-Siemens-Multi-1.dcm")
    raw_trees = 0
    for path in SAMPLES:
        data, expected = _original(path)
        encoded = transcode(data, syntax)
        assert pydicom.dcmread(io.BytesIO(encoded), stop_before_pixels=True).file_meta.TransferSyntaxUID == syntax
        result = parse_bytes(encoded)
        assert result == expected, f"{path.name} in {syntax.name}: {result.status} {result.reason}"
        _, children = rawseq.read_sr_file(encoded)
        raw_trees += children is not None
    assert raw_trees >= 30, "the raw reader, not a fallback, read the SR samples"


def _dbt_rdsr() -> tuple[bytes, projection_random.ProjectionStudy]:
    """A generated mammography RDSR whose events look like a tomosynthesis sweep."""
    spec = projection_random.mg_spec(random.Random(8))
    events = tuple(dataclasses.replace(ev, protocol="Tomosynthesis 15 projections", number_of_pulses=15.0,
                                       primary_angle=-7.5) for ev in spec.events)
    spec = dataclasses.replace(spec, events=events)

    return to_bytes(projection_dataset(spec)), spec


def test_big_endian_mammography_rdsr_keeps_every_value() -> None:
    little, spec = _dbt_rdsr()
    big = transcode(little, ExplicitVRBigEndian)
    assert big[:len(little)] != little
    expected, result = parse_bytes(little), parse_bytes(big)
    assert result.status is Status.PARSED and result == expected
    report = result.report
    assert report is not None and report.modality == "MG"
    dose = report.projection_xray_radiation_dose[0]
    assert len(dose.events) == len(spec.events) >= 4
    assert [e.source.average_glandular_dose for e in dose.events if e.source] == [ev.agd for ev in spec.events]
    assert [e.mechanical.compression_thickness for e in dose.events if e.mechanical] == [
        ev.compression_thickness for ev in spec.events]
    agd = sorted(m.accumulated_average_glandular_dose or 0.0 for acc in dose.accumulated for m in acc.accum_mammography)
    assert agd == sorted([spec.accumulated_agd(vocab.LEFT), spec.accumulated_agd(vocab.RIGHT)])
    assert not any("Procedure Reported" in w or "Accumulated" in w for w in report.warnings)


def test_deflated_report_is_read_by_the_raw_reader() -> None:
    little, spec = _dbt_rdsr()
    deflated = transcode(little, DeflatedExplicitVRLittleEndian)
    assert len(deflated) < len(little)
    _, children = rawseq.read_sr_file(deflated)
    assert children is not None and len(children) > len(spec.events)


@pytest.mark.parametrize("cut", [0.35, 0.6, 0.9])
def test_truncated_big_endian_report_fails_with_a_reason(cut: float) -> None:
    big = transcode(_dbt_rdsr()[0], ExplicitVRBigEndian)
    start = big.find(b"\x00\x40\xa7\x30")  # (0040,A730) in big endian
    assert start > 0
    truncated = big[:start + int((len(big) - start) * cut)]
    result = parse_bytes(truncated)
    assert result.status in (Status.UNREADABLE, Status.ERROR)
    assert result.report is None
    assert "truncated" in result.reason or "past the end" in result.reason, result.reason


def test_report_with_an_empty_content_tree_is_an_error_not_an_empty_study() -> None:
    ds = pydicom.dcmread(io.BytesIO(_dbt_rdsr()[0]))
    ds.ContentSequence = []
    result = parse_bytes(to_bytes(ds))
    assert result.status is Status.ERROR and result.report is None
    assert "content tree is empty" in result.reason


def test_content_sequence_hidden_from_the_fast_path_is_read_by_pydicom(monkeypatch: pytest.MonkeyPatch) -> None:
    little, spec = _dbt_rdsr()
    real = rawseq.read_sr_file

    def header_only(data: bytes):  # type: ignore[no-untyped-def]
        ds, _ = real(data)
        return ds, None

    monkeypatch.setattr(rawseq, "read_sr_file", header_only)
    _, root = srtree.read_file(little)
    assert root is not None
    assert len([c for c in root.children if c.value_type == "CONTAINER"]) >= len(spec.events)


def test_report_without_events_says_so() -> None:
    spec = projection_random.rf_spec(random.Random(3))

    result = parse_bytes(to_bytes(projection_dataset(dataclasses.replace(spec, events=()))))
    assert result.status is Status.PARSED and result.report is not None
    assert any(w.startswith("NO EVENTS") for w in result.report.warnings)


def _meta_naming_the_other_vr(ds: pydicom.Dataset, meta_syntax: str, body_implicit: bool) -> bytes:
    """A Part 10 file whose file meta names ``meta_syntax`` while the body is written the other way."""
    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_dataset, write_file_meta_info

    out = DicomBytesIO()
    out.write(b"\x00" * 128 + b"DICM")
    ds.file_meta.TransferSyntaxUID = meta_syntax
    write_file_meta_info(out, ds.file_meta, enforce_standard=True)
    body = DicomBytesIO()
    body.is_little_endian, body.is_implicit_VR = True, body_implicit
    write_dataset(body, ds)
    return bytes(out.getvalue()) + bytes(body.getvalue())


@pytest.mark.filterwarnings("ignore:Expected (explicit|implicit) VR:UserWarning")  # pydicom notices the header
@pytest.mark.parametrize("kind", ["CT", "RF", "NM", "DX_IMAGE"])
@pytest.mark.parametrize(("meta_syntax", "body_implicit"), [
    (pydicom.uid.ExplicitVRLittleEndian, True), (pydicom.uid.ImplicitVRLittleEndian, False)],
    ids=["meta_explicit_body_implicit", "meta_implicit_body_explicit"])
def test_file_meta_naming_the_other_vr_encoding(kind: str, meta_syntax: str, body_implicit: bool) -> None:
    """PS3.10 7.1: the meta names the body's transfer syntax; some writers get it wrong. The header
    (pydicom) and the SR content (raw reader) are both read as the body is written."""
    from openrem.dicom.synth.generate import BUILDERS

    def generated() -> pydicom.Dataset:
        rng = random.Random(12)
        builder, device = BUILDERS[kind]
        return builder(rng, device=device(rng))

    expected = parse_bytes(to_bytes(generated()))
    assert expected.status is Status.PARSED, expected.reason
    result = parse_bytes(_meta_naming_the_other_vr(generated(), meta_syntax, body_implicit))
    assert result.status is Status.PARSED, result.reason
    assert result.report == expected.report


@pytest.mark.parametrize("kind", ["CT", "RF", "NM"])
def test_content_sequence_sent_as_un(kind: str) -> None:
    """A writer that did not know the Content Sequence sends it as UN: its value is then implicit VR
    little endian in an explicit VR file (PS3.5 6.2.2)."""
    import struct

    from pydicom.dataset import Dataset
    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_dataset

    from openrem.dicom.synth.generate import BUILDERS

    rng = random.Random(5)
    builder, device = BUILDERS[kind]
    ds = builder(rng, device=device(rng))
    expected = parse_bytes(to_bytes(ds))
    assert expected.status is Status.PARSED, expected.reason
    assert not [e.tag for e in ds if e.tag > 0x0040A730]  # the Content Sequence is the last element
    inner = Dataset()
    inner.ContentSequence = ds.ContentSequence
    implicit = DicomBytesIO()
    implicit.is_little_endian, implicit.is_implicit_VR = True, True
    write_dataset(implicit, inner)
    value = bytes(implicit.getvalue())[8:]  # after the tag and length of the implicit encoding
    del ds.ContentSequence
    un = struct.pack("<HHccHI", 0x0040, 0xA730, b"U", b"N", 0, len(value)) + value
    result = parse_bytes(to_bytes(ds) + un)  # explicit VR little endian, the Content Sequence last
    assert result.status is Status.PARSED, result.reason
    assert result.report == expected.report
