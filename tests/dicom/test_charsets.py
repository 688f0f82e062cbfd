"""Specific Character Set (0008,0005): every defined term, in SR text, person names and image headers.

PS3.3 C.12.1.1.2 lists the defined terms; PS3.5 6.1 describes single-byte sets, code extensions
(ISO 2022 escape sequences) and the multi-byte sets without extensions (ISO_IR 192, GB18030, GBK).
Real samples are re-encoded with the text of each set (pydicom encodes the values on writing)
and the parsed record must hold the text exactly. ISO 2022 IR 58 (GB 2312 with code extensions)
is also checked on bytes written by hand, since its encoder is corrected by
:mod:`openrem.dicom.charsets` itself.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pydicom
import pytest
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import Tag

from openrem.dicom import codes
from openrem.dicom.parse import Status, parse_bytes
from openrem.dicom.records import DoseReport

# (Specific Character Set, protocol / description text, person name) per defined term.
CASES: list[tuple[str | list[str], str, str]] = [
    ("ISO_IR 100", "Thorax à l'écran", "Müller^Jürgen"),
    ("ISO_IR 101", "Hrudník příčný", "Dvořák^Antonín"),
    ("ISO_IR 109", "Ġenerali ħ", "Ħabib^Ġorġ"),
    ("ISO_IR 110", "Krūtinė ģ", "Ģirts^Ķārlis"),
    ("ISO_IR 144", "Грудная клетка", "Иванов^Иван"),
    ("ISO_IR 127", "صدر", "محمد^علي"),
    ("ISO_IR 126", "Θώρακας", "Παπαδόπουλος^Γιώργος"),
    ("ISO_IR 138", "חזה", "כהן^דוד"),
    ("ISO_IR 148", "Göğüs kafesi", "Yılmaz^Şükrü"),
    ("ISO_IR 166", "ทรวงอก", "สมชาย^ใจดี"),
    ("ISO_IR 203", "Thorax 5 €", "Œuvre^Zoë"),
    ("ISO_IR 13", "ｷｮｳﾌﾞ", "ﾔﾏﾀﾞ^ﾀﾛｳ"),
    ("ISO_IR 192", "Протокол грудной клетки 胸部", "Иванов^Иван"),
    ("GB18030", "胸部平扫", "王^小明"),
    ("GBK", "胸部增强", "李^雷"),
    (["", "ISO 2022 IR 87"], "胸部 CT", "Yamada^Tarou=山田^太郎=やまだ^たろう"),
    (["", "ISO 2022 IR 149"], "흉부", "Hong^Gildong=홍^길동"),
    (["ISO 2022 IR 6", "ISO 2022 IR 100"], "Thorax Schädel", "Müller^Jürgen"),
    (["ISO 2022 IR 6", "ISO 2022 IR 144"], "Грудь", "Иванов^Иван"),
    (["ISO 2022 IR 6", "ISO 2022 IR 126"], "Θώρακας", "Παπαδόπουλος^Γιώργος"),
    (["ISO 2022 IR 6", "ISO 2022 IR 138"], "חזה", "כהן^דוד"),
    (["ISO 2022 IR 6", "ISO 2022 IR 127"], "صدر", "محمد^علي"),
    (["ISO 2022 IR 6", "ISO 2022 IR 203"], "Thorax 5 €", "Œuvre^Zoë"),
    (["ISO 2022 IR 13", "ISO 2022 IR 87"], "ｷｮｳﾌﾞ 胸部", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎"),
    (["", "ISO 2022 IR 87", "ISO 2022 IR 159"], "鷗外 胸部", "Mori^Ogai=森^鷗外=もり^おうがい"),
    (["", "ISO 2022 IR 58"], "胸部平扫", "Wang^Xiaoming=王^小明"),
    (["ISO 2022 IR 6", "ISO 2022 IR 101"], "Hrudník příčný", "Dvořák^Antonín"),
    (["ISO 2022 IR 6", "ISO 2022 IR 109"], "Ġenerali ħ", "Ħabib^Ġorġ"),
    (["ISO 2022 IR 6", "ISO 2022 IR 110"], "Krūtinė ģ", "Ģirts^Ķārlis"),
    (["ISO 2022 IR 6", "ISO 2022 IR 148"], "Göğüs kafesi", "Yılmaz^Şükrü"),
    (["ISO 2022 IR 6", "ISO 2022 IR 166"], "ทรวงอก", "สมชาย^ใจดี"),
    ("", "Chest PA", "Smith^John"),
]
IDS = [c if isinstance(c, str) else "+".join(x or "default" for x in c) for c, _, _ in CASES]


def _reencode(ds: Dataset, charset: str | list[str]) -> bytes:
    ds.SpecificCharacterSet = charset
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _parsed(data: bytes) -> DoseReport:
    result = parse_bytes(data)
    assert result.status is Status.PARSED and result.report is not None, result.reason
    return result.report


@pytest.mark.parametrize(("charset", "words", "name"), CASES, ids=IDS)
def test_image_header_text_and_names(charset: str | list[str], words: str, name: str, sample) -> None:  # type: ignore[no-untyped-def]
    path: Path = sample("DX-Im-GE_XR220-1.dcm")
    ds = pydicom.dcmread(path)
    ds.ProtocolName = words
    ds.StudyDescription = words
    ds.PatientName = name
    ds.OperatorsName = name
    report = _parsed(_reencode(ds, charset))
    assert report.study.study_description == words
    assert report.patient.name == name
    assert report.study.operator_name == name
    event = report.projection_xray_radiation_dose[0].events[0]
    assert event.acquisition_protocol == words


@pytest.mark.parametrize(("charset", "words", "name"), CASES, ids=IDS)
def test_sr_text_and_names(charset: str | list[str], words: str, name: str, sample) -> None:  # type: ignore[no-untyped-def]
    ds = pydicom.dcmread(sample("CT-RDSR-Siemens-Multi-1.dcm"))
    changed = 0
    for item in ds.ContentSequence:
        if item.get("ValueType") == "CONTAINER" and item.ConceptNameCodeSequence[0].CodeValue == "113819":
            for child in item.ContentSequence:
                if child.ValueType == "TEXT" and child.ConceptNameCodeSequence[0].CodeValue == "125203":
                    child.TextValue = words
                    changed += 1
    assert changed
    ds.PatientName = name
    ds.StudyDescription = words
    report = _parsed(_reencode(ds, charset))
    assert report.patient.name == name
    assert report.study.study_description == words
    protocols = {e.acquisition_protocol for e in report.ct_radiation_dose[0].events}
    assert protocols == {words}
    assert codes.ACQUISITION_PROTOCOL.keys  # matched by code, not by the (translated) meaning


def test_utf8_in_a_latin1_object_is_a_named_fix(sample) -> None:  # type: ignore[no-untyped-def]
    report = _parsed(sample("CT-RDSR-Siemens_Flash-TAP-SS.dcm").read_bytes())
    protocols = {e.acquisition_protocol for e in report.ct_radiation_dose[0].events}
    assert "testæøå" in protocols
    assert "utf8_text_in_latin1_object" in report.vendor_fixes


def test_genuine_latin1_is_not_repaired(sample) -> None:  # type: ignore[no-untyped-def]
    ds = pydicom.dcmread(sample("DX-Im-GE_XR220-1.dcm"))
    ds.ProtocolName = "Ã¦ rÃ©sumÃ©"  # Latin-1 text that happens to be valid UTF-8 bytes in ISO_IR 100
    report = _parsed(_reencode(ds, "ISO_IR 148"))
    assert report.projection_xray_radiation_dose[0].events[0].acquisition_protocol == "Ã¦ rÃ©sumÃ©"
    assert "utf8_text_in_latin1_object" not in report.vendor_fixes


# ---- the same texts in other kinds of object: projection RDSR, MG header, NM RRDSR ----

SCRIPTS: list[tuple[str, str | list[str], str, str]] = [
    ("cyrillic", "ISO_IR 144", "Грудная клетка", "Иванов^Иван"),
    ("greek", "ISO_IR 126", "Θώρακας", "Παπαδόπουλος^Γιώργος"),
    ("arabic", "ISO_IR 127", "صدر", "محمد^علي"),
    ("hebrew", "ISO_IR 138", "חזה", "כהן^דוד"),
    ("japanese", ["ISO 2022 IR 13", "ISO 2022 IR 87"], "ｷｮｳﾌﾞ 胸部", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎"),
    ("chinese-gb18030", "GB18030", "胸部平扫", "王^小明"),
    ("chinese-ir58", ["", "ISO 2022 IR 58"], "胸部平扫", "Wang^Xiaoming=王^小明"),
    ("utf8", "ISO_IR 192", "Грудь Θώρακας 胸部", "Иванов^Иван"),
]
SCRIPT_IDS = [s[0] for s in SCRIPTS]


def _set_text_items(items: Sequence[Dataset], concept: str, words: str) -> int:
    """Put ``words`` in every TEXT content item named ``concept`` (DCM code value), at any depth."""
    changed = 0
    for item in items:
        if item.get("ValueType") == "TEXT" and item.ConceptNameCodeSequence[0].CodeValue == concept:
            item.TextValue = words
            changed += 1
        changed += _set_text_items(item.get("ContentSequence", []), concept, words)
    return changed


@pytest.mark.parametrize(("script", "charset", "words", "name"), SCRIPTS, ids=SCRIPT_IDS)
def test_projection_rdsr(script: str, charset: str | list[str], words: str, name: str, sample) -> None:  # type: ignore[no-untyped-def]
    ds = pydicom.dcmread(sample("DX-RDSR-Canon_CXDI.dcm"))
    assert _set_text_items(ds.ContentSequence, "125203", words)  # Acquisition Protocol
    ds.PatientName = name
    ds.StudyDescription = words
    report = _parsed(_reencode(ds, charset))
    assert (report.patient.name, report.study.study_description) == (name, words)
    events = report.projection_xray_radiation_dose[0].events
    assert events and {e.acquisition_protocol for e in events} == {words}


@pytest.mark.parametrize(("script", "charset", "words", "name"), SCRIPTS, ids=SCRIPT_IDS)
def test_mg_image_header(script: str, charset: str | list[str], words: str, name: str, sample) -> None:  # type: ignore[no-untyped-def]
    ds = pydicom.dcmread(sample("MG-Im-GE_Seno_1_ForPresentation.dcm"))
    ds.ProtocolName = words
    ds.StudyDescription = words
    ds.PatientName = name
    ds.OperatorsName = name
    report = _parsed(_reencode(ds, charset))
    assert report.kind == "mg_image"
    assert (report.patient.name, report.study.operator_name, report.study.study_description) == (name, name, words)
    assert report.projection_xray_radiation_dose[0].events[0].acquisition_protocol == words


@pytest.mark.parametrize(("script", "charset", "words", "name"), SCRIPTS, ids=SCRIPT_IDS)
def test_nm_rrdsr(script: str, charset: str | list[str], words: str, name: str, sample) -> None:  # type: ignore[no-untyped-def]
    ds = pydicom.dcmread(sample("NM-RRDSR-Siemens.dcm"))
    assert _set_text_items(ds.ContentSequence, "121406", words)  # Reference Authority of the organ doses
    ds.PatientName = name
    ds.StudyDescription = words
    report = _parsed(_reencode(ds, charset))
    assert (report.patient.name, report.study.study_description) == (name, words)
    organs = [o for nm in report.radiopharmaceutical_radiation_dose for a in nm.administrations for o in a.organ_doses]
    assert organs and {o.reference_authority for o in organs} == {words}


def test_iso_2022_ir_58_bytes_written_by_hand(sample) -> None:  # type: ignore[no-untyped-def]
    """GB 2312 after its G1 escape sequence ESC $ ) A (PS3.5 Annex K), in a value and a person name."""
    ds = pydicom.dcmread(io.BytesIO(_reencode(pydicom.dcmread(sample("DX-Im-GE_XR220-1.dcm")),
                                              ["", "ISO 2022 IR 58"])))
    escape = b"\x1b$)A"
    protocol = b"Chest " + escape + "胸部平扫".encode("gb2312")
    person = b"Wang^Xiaoming=" + escape + "王".encode("gb2312") + b"^" + escape + "小明".encode("gb2312")
    for keyword, vr, value in (("ProtocolName", "LO", protocol), ("PatientName", "PN", person)):
        tag = Tag(keyword)
        value += b" " * (len(value) % 2)
        ds[tag] = RawDataElement(tag, vr, len(value), value, 0, False, True)
    out = io.BytesIO()
    ds.save_as(out)
    report = _parsed(out.getvalue())
    assert report.projection_xray_radiation_dose[0].events[0].acquisition_protocol == "Chest 胸部平扫"
    assert report.patient.name == "Wang^Xiaoming=王^小明"


def test_iso_2022_ir_58_is_written_with_its_escape_sequence() -> None:
    from pydicom.charset import convert_encodings, encode_string

    assert encode_string("胸部", convert_encodings(["", "ISO 2022 IR 58"])) == b"\x1b$)A" + "胸部".encode("gb2312")
