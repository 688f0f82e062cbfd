"""Decode an SR Content Sequence from its raw bytes (PS3.5 section 7: data element and item encoding).

The native uncompressed transfer syntaxes of PS3.5 Annex A are handled: Implicit VR Little Endian
(A.1), Explicit VR Little Endian (A.2), Explicit VR Big Endian (A.3, retired) and Deflated Explicit
VR Little Endian (A.5, inflated by pydicom before the dataset is read); every encapsulated syntax
(A.4) encodes its dataset as explicit VR little endian. Values of VR UN, and undefined-length
values with VR UN, are implicit VR little endian whatever the file's syntax (PS3.5 6.2.2). Only the
attributes of PS3.3 C.17.3 that the dose templates use are kept; every other element is skipped by
its length (or, for undefined-length sequences, by walking to its delimiter).

The reader never returns a partial tree: it either decodes the whole Content Sequence or raises
:class:`RawParseError`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from io import BytesIO
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from pydicom.charset import convert_encodings, decode_bytes
from pydicom.dataset import Dataset
from pydicom.filebase import DicomBytesIO
from pydicom.filereader import read_dataset, read_partial

from openrem.dicom import charsets

if TYPE_CHECKING:
    from openrem.dicom.srtree import Code, ContentItem

# Unpackers by byte order: index True is little endian, False big endian.
_UNPACK_HH = {True: struct.Struct("<HH").unpack_from, False: struct.Struct(">HH").unpack_from}
_UNPACK_I = {True: struct.Struct("<I").unpack_from, False: struct.Struct(">I").unpack_from}
_UNPACK_H = {True: struct.Struct("<H").unpack_from, False: struct.Struct(">H").unpack_from}
_UNPACK_HHI = {True: struct.Struct("<HHI").unpack_from, False: struct.Struct(">HHI").unpack_from}

ITEM = 0xFFFEE000
ITEM_DELIM = 0xFFFEE00D
SEQ_DELIM = 0xFFFEE0DD
UNDEFINED = 0xFFFFFFFF
LONG_VRS = frozenset({b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"UC", b"UN", b"UR", b"UT"})

CONTENT_SEQUENCE = 0x0040A730
RELATIONSHIP_TYPE = 0x0040A010
VALUE_TYPE = 0x0040A040
CONCEPT_NAME = 0x0040A043
CONCEPT_CODE = 0x0040A168
MEASURED_VALUE = 0x0040A300
NUMERIC_VALUE = 0x0040A30A
NUMERIC_VALUE_QUALIFIER = 0x0040A301
UNITS = 0x004008EA
TEXT_VALUE = 0x0040A160
UID_VALUE = 0x0040A124
DATETIME = 0x0040A120
DATE = 0x0040A121
TIME = 0x0040A122
PERSON_NAME = 0x0040A123
TEMPLATE_SEQUENCE = 0x0040A504
TEMPLATE_ID = 0x0040DB00
CODE_VALUE = 0x00080100
SCHEME = 0x00080102
MEANING = 0x00080104
LONG_CODE_VALUE = 0x00080119
URN_CODE_VALUE = 0x00080120

SEQUENCES = frozenset({CONTENT_SEQUENCE, CONCEPT_NAME, CONCEPT_CODE, MEASURED_VALUE, UNITS, TEMPLATE_SEQUENCE,
                       NUMERIC_VALUE_QUALIFIER})
WANTED = SEQUENCES | {
    RELATIONSHIP_TYPE, VALUE_TYPE, NUMERIC_VALUE, TEXT_VALUE, UID_VALUE, DATETIME, DATE, TIME,
    PERSON_NAME, TEMPLATE_ID, CODE_VALUE, SCHEME, MEANING, LONG_CODE_VALUE, URN_CODE_VALUE,
}
TEXT_TAGS = {TEXT_VALUE: "TEXT", UID_VALUE: "UIDREF", DATETIME: "DATETIME", DATE: "DATE", TIME: "TIME",
             PERSON_NAME: "PNAME"}

TEXT_TAG_BY_TYPE = {kind: tag for tag, kind in TEXT_TAGS.items()}

DELIMITERS = {TEXT_VALUE: frozenset({0x0D, 0x0A, 0x09, 0x0C}), PERSON_NAME: frozenset({0x5E, 0x3D})}

RawItem = dict[int, Any]


class RawParseError(ValueError):
    """The Content Sequence bytes are not a valid encoding."""


def _parse_items(buf: bytes, pos: int, length: int, implicit: bool, little: bool = True) -> tuple[list[RawItem], int]:
    """Parse a sequence value starting at ``pos``; return its items and the position after it."""
    items: list[RawItem] = []
    end = len(buf) if length == UNDEFINED else pos + length
    if end > len(buf):
        raise RawParseError("sequence runs past the end of the data")
    unpack_hhi = _UNPACK_HHI[little]
    while pos < end:
        if pos + 8 > len(buf):
            raise RawParseError("sequence truncated")
        group, elem, item_len = unpack_hhi(buf, pos)
        tag = group << 16 | elem
        pos += 8
        if tag == SEQ_DELIM:
            return items, pos
        if tag != ITEM:
            raise RawParseError(f"expected an item tag at byte {pos - 8}, found {tag:08X}")
        if item_len == UNDEFINED:
            item, pos = _parse_elements(buf, pos, len(buf), implicit, little)
        else:
            if pos + item_len > end:
                raise RawParseError("item runs past the end of its sequence")
            item, _ = _parse_elements(buf, pos, pos + item_len, implicit, little)
            pos += item_len
        items.append(item)
    if length == UNDEFINED:
        raise RawParseError("undefined-length sequence truncated: the data ends before its delimiter")
    return items, end


def _parse_elements(buf: bytes, pos: int, end: int, implicit: bool, little: bool = True) -> tuple[RawItem, int]:
    """Parse the elements of one item until ``end`` or its item delimiter (hot loop: kept flat)."""
    out: RawItem = {}
    size = len(buf)
    wanted, sequences, long_vrs = WANTED, SEQUENCES, LONG_VRS
    unpack_hhi, unpack_i, unpack_h = _UNPACK_HHI[little], _UNPACK_I[little], _UNPACK_H[little]
    while pos < end:
        if pos + 8 > size:
            raise RawParseError("item truncated")
        group, elem, length = unpack_hhi(buf, pos)
        tag = group << 16 | elem
        if tag == ITEM_DELIM:
            return out, pos + 8
        if implicit:
            pos += 8
            is_seq = length == UNDEFINED or tag in sequences
            sub_implicit, sub_little = True, little
        else:
            vr = buf[pos + 4:pos + 6]
            if vr in long_vrs:
                if pos + 12 > size:
                    raise RawParseError("item truncated")
                length = unpack_i(buf, pos + 8)[0]
                pos += 12
            else:
                length = unpack_h(buf, pos + 6)[0]
                pos += 8
            is_seq = vr == b"SQ" or length == UNDEFINED or (vr == b"UN" and tag in sequences)
            sub_implicit, sub_little = (True, True) if vr == b"UN" else (False, little)
        if is_seq:
            items, pos = _parse_items(buf, pos, length, sub_implicit, sub_little)
            if tag in sequences:
                out[tag] = items
            continue
        if pos + length > size:
            raise RawParseError("element value runs past the end of the data")
        if tag in wanted:
            out[tag] = buf[pos:pos + length]
        pos += length
    if end != size and pos > end:
        raise RawParseError("element runs past the end of its item")
    return out, pos


class _Decoder:
    """Turn raw items into :class:`ContentItem` objects, decoding text with the dataset's charset."""

    def __init__(self, encodings: list[str]) -> None:
        self.encodings = encodings
        self.codes: dict[tuple[bytes, bytes, bytes], Code] = {}

    def text(self, raw: bytes | None, delimiters: frozenset[int] = frozenset({0x5C})) -> str | None:
        """Decode a string value with the dataset's character sets; code extensions (ISO 2022) reset
        at ``delimiters`` (PS3.5 6.1.2.5.3: the value delimiter, or CR/LF/TAB/FF for text, ^ and = for names)."""
        if raw is None:
            return None
        if b"\x1b" in raw:  # ISO 2022 code extensions: 7-bit bytes that are not ASCII text
            value = decode_bytes(raw, self.encodings, set(delimiters))
        else:
            try:
                value = raw.decode("ascii")
            except UnicodeDecodeError:
                value = decode_bytes(raw, self.encodings, set(delimiters))
        value = value.strip(" \x00")
        return value or None

    def code(self, seq: list[RawItem] | None) -> Code | None:
        from openrem.dicom.srtree import Code

        if not seq:
            return None
        item = seq[0]
        value = item.get(CODE_VALUE) or item.get(LONG_CODE_VALUE) or item.get(URN_CODE_VALUE) or b""  # PS3.3 8.1
        key = (value, item.get(SCHEME, b""), item.get(MEANING, b""))
        found = self.codes.get(key)
        if found is None:
            found = Code(self.text(key[0]) or "", self.text(key[1]) or "", self.text(key[2]) or "")
            self.codes[key] = found
        return found

    def item(self, raw: RawItem) -> ContentItem:
        from openrem.dicom.srtree import ContentItem

        vt = (raw.get(VALUE_TYPE) or b"").decode("ascii", "replace").strip(" \x00")
        text = code = number = unit = qualifier = None
        if vt == "CODE":
            code = self.code(raw.get(CONCEPT_CODE))
        elif vt == "NUM":
            mv = raw.get(MEASURED_VALUE)
            if mv:
                number = self.text(mv[0].get(NUMERIC_VALUE))
                unit = self.code(mv[0].get(UNITS))
            qualifier = self.code(raw.get(NUMERIC_VALUE_QUALIFIER) or (mv[0].get(NUMERIC_VALUE_QUALIFIER) if mv else None))
        else:
            tag = TEXT_TAG_BY_TYPE.get(vt)
            if tag is not None and tag in raw:
                text = self.text(raw[tag], DELIMITERS.get(tag, frozenset({0x5C})))
        template = raw.get(TEMPLATE_SEQUENCE)
        template_id = self.text(template[0].get(TEMPLATE_ID)) if template else None
        return ContentItem(
            relationship=self.text(raw.get(RELATIONSHIP_TYPE)) or "",
            value_type=vt,
            concept=self.code(raw.get(CONCEPT_NAME)),
            text=text, code=code, number=number, unit=unit, qualifier=qualifier, template_id=template_id,
            children=tuple(self.item(c) for c in raw.get(CONTENT_SEQUENCE, ())),
        )


def _content_sequence(data: bytes, start: int, implicit: bool, little: bool) -> tuple[list[RawItem], int]:
    """The raw items of the Content Sequence whose tag is at ``start``, and the offset after it. Sent
    as UN (by a writer that did not know the element), its value is implicit VR little endian
    whatever the file's syntax (PS3.5 6.2.2)."""
    if implicit:
        length, pos = _UNPACK_I[little](data, start + 4)[0], start + 8
        return _parse_items(data, pos, length, True, little)
    if start + 12 > len(data):
        raise RawParseError("Content Sequence header truncated")
    length, pos = _UNPACK_I[little](data, start + 8)[0], start + 12
    if data[start + 4:start + 6] == b"UN":
        return _parse_items(data, pos, length, True, True)
    return _parse_items(data, pos, length, False, little)


def sr_text(items: list[RawItem]) -> Iterator[bytes]:
    """The raw text values of raw content items and their codes (text, person names, code meanings)."""
    stack = list(items)
    while stack:
        item = stack.pop()
        for tag, value in item.items():
            if isinstance(value, bytes):
                if tag in (TEXT_VALUE, PERSON_NAME, MEANING):
                    yield value
            elif isinstance(value, list):
                stack.extend(value)


def read_sr_file(data: bytes) -> tuple[Dataset, tuple[ContentItem, ...] | None]:
    """Read a DICOM file's header with pydicom and its Content Sequence with the raw decoder.

    Returns the dataset (every top-level element except the Content Sequence and pixel data) and
    the decoded top-level content items, or None when the file has no Content Sequence. Raises
    :class:`RawParseError` when the Content Sequence bytes are malformed or truncated: a Content
    Sequence is never skipped or read in part.
    """
    fp: BinaryIO = BytesIO(data)
    ds = read_partial(fp, stop_when=lambda tag, vr, length: tag in (CONTENT_SEQUENCE, 0x7FE00010), force=True)
    buffer = getattr(ds, "buffer", None)
    if isinstance(buffer, DicomBytesIO):  # deflated: pydicom read the inflated copy
        inflated = buffer.parent
        assert isinstance(inflated, BytesIO)
        fp, data = cast(BinaryIO, buffer), inflated.getvalue()
    start = fp.tell()
    implicit = bool(ds.is_implicit_VR) if ds.is_implicit_VR is not None else True
    little = ds.is_little_endian is not False
    if start > len(data) - 8:
        charsets.settle(ds)
        return ds, None
    group, elem = _UNPACK_HH[little](data, start)
    if (group << 16 | elem) != CONTENT_SEQUENCE:
        charsets.settle(ds)
        return ds, None
    try:
        items, end = _content_sequence(data, start, implicit, little)
    except RawParseError as declared:
        # the file meta may name the other VR encoding than the body uses (pydicom reads such a
        # header by looking at its elements, PS3.5 A.1/A.2): the other one, else the first error
        try:
            items, end = _content_sequence(data, start, not implicit, little)
        except RawParseError:
            raise declared from None
        implicit = not implicit
    fp.seek(end)
    rest = read_dataset(fp, implicit, little, stop_when=lambda tag, vr, length: tag == 0x7FE00010,
                        parent_encoding=ds._parent_encoding)
    for raw in rest.elements():  # raw (not yet decoded) elements after the Content Sequence
        ds[raw.tag] = raw
    charsets.settle(ds, sr_text(items))
    decoder = _Decoder(convert_encodings(ds.get("SpecificCharacterSet") or "ISO_IR 6"))
    return ds, tuple(decoder.item(raw) for raw in items)
