"""Byte-level encoding of SR content items (explicit VR little endian).

A dose report holds hundreds of content items; building a pydicom ``Dataset`` for each one is
slow. These helpers encode every content item straight to its explicit VR little endian bytes
(PS3.5 section 7.1.2 data elements, section 7.5 sequences with defined length items) so a whole
Content Sequence (0040,A730) is a single byte string, attached to the dataset as a raw element.
pydicom decodes it lazily when someone reads ``ds.ContentSequence``.

Content item attributes follow PS3.3 C.17.3 (SR Document Content Module) and Table 10-2 (Content
Item Macro): Relationship Type, Value Type, Concept Name Code Sequence and the value attributes of
each value type (C.18.1 TEXT, C.18.1 NUM Measured Value Sequence, C.18.2 CODE, C.18.7 DATETIME,
C.18.8 UIDREF, C.18.6 PNAME, C.18.4 CONTAINER). Elements in an item are written in tag order.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache

from pydicom.dataelem import RawDataElement
from pydicom.tag import Tag

# VRs that use the 4-byte length form in explicit VR (PS3.5 Table 7.1-1).
_LONG_VRS = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"})
_ITEM = b"\xfe\xff\x00\xe0"  # (FFFE,E000) Item tag

CHARSET = "ISO_IR 192"
"""Specific Character Set of every generated object (UTF-8)."""


@dataclass(frozen=True, slots=True)
class Code:
    """A coded entry (PS3.3 Table 8.8-1): code value, coding scheme designator, code meaning."""

    value: str
    scheme: str
    meaning: str


def _pad(raw: bytes, vr: str) -> bytes:
    if len(raw) % 2:
        return raw + (b"\x00" if vr == "UI" else b" ")
    return raw


def element(group: int, elem: int, vr: str, value: bytes) -> bytes:
    """One explicit VR little endian data element (PS3.5 7.1.2); ``value`` is padded to even length."""
    value = _pad(value, vr)
    if vr in _LONG_VRS:
        return struct.pack("<HH2sHI", group, elem, vr.encode(), 0, len(value)) + value
    return struct.pack("<HH2sH", group, elem, vr.encode(), len(value)) + value


def text_element(group: int, elem: int, vr: str, value: str) -> bytes:
    """A string element encoded in UTF-8 (the generated objects use ISO_IR 192)."""
    return element(group, elem, vr, value.encode("utf-8"))


def item(body: bytes) -> bytes:
    """A sequence item with defined length (PS3.5 7.5.1)."""
    return _ITEM + struct.pack("<I", len(body)) + body


def sequence(group: int, elem: int, items: list[bytes] | tuple[bytes, ...]) -> bytes:
    """A sequence element with defined length holding already encoded item bodies."""
    return element(group, elem, "SQ", b"".join(item(b) for b in items))


@lru_cache(maxsize=4096)
def code_body(code: Code) -> bytes:
    """The body of a Code Sequence item (0008,0100), (0008,0102), (0008,0104); cached."""
    return (
        text_element(0x0008, 0x0100, "SH", code.value)
        + text_element(0x0008, 0x0102, "SH", code.scheme)
        + text_element(0x0008, 0x0104, "LO", code.meaning)
    )


@lru_cache(maxsize=4096)
def _head(relationship: str, value_type: str, concept: Code) -> bytes:
    """Relationship Type (0040,A010), Value Type (0040,A040), Concept Name Code Sequence (0040,A043)."""
    rel = text_element(0x0040, 0xA010, "CS", relationship) if relationship else b""
    return (
        rel
        + text_element(0x0040, 0xA040, "CS", value_type)
        + sequence(0x0040, 0xA043, [code_body(concept)])
    )


def _children(children: list[bytes] | tuple[bytes, ...]) -> bytes:
    return sequence(0x0040, 0xA730, children) if children else b""


def format_ds(value: float) -> str:
    """A Decimal String (PS3.5 Table 6.2-1, at most 16 characters) for ``value``."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(float(value))
    if len(text) <= 16:
        return text
    return f"{value:.10g}"


# ------------------------------------------------------------------------- content items


def container(rel: str, concept: Code, children: list[bytes], template: str | None = None) -> bytes:
    """CONTAINER content item (C.18.4) with Continuity of Content SEPARATE and optional template."""
    tpl = b""
    if template:
        tpl = sequence(0x0040, 0xA504, [text_element(0x0008, 0x0105, "CS", "DCMR")
                                        + text_element(0x0040, 0xDB00, "CS", template)])
    return (_head(rel, "CONTAINER", concept) + text_element(0x0040, 0xA050, "CS", "SEPARATE")
            + tpl + _children(children))


def code(rel: str, concept: Code, value: Code, children: list[bytes] | None = None) -> bytes:
    """CODE content item (C.18.2): Concept Code Sequence (0040,A168)."""
    return _head(rel, "CODE", concept) + sequence(0x0040, 0xA168, [code_body(value)]) + _children(children or [])


def num(rel: str, concept: Code, value: float | tuple[float, ...], unit: Code,
        children: list[bytes] | None = None) -> bytes:
    """NUM content item (C.18.1): Measured Value Sequence with units code and Numeric Value (DS).

    A tuple ``value`` is written as a multi-valued Numeric Value (VM 1-n, one value per pulse).
    """
    text_value = "\\".join(format_ds(x) for x in value) if isinstance(value, tuple) else format_ds(value)
    measured = (sequence(0x0040, 0x08EA, [code_body(unit)])
                + text_element(0x0040, 0xA30A, "DS", text_value))
    return _head(rel, "NUM", concept) + sequence(0x0040, 0xA300, [measured]) + _children(children or [])


def num_without_value(rel: str, concept: Code, qualifier: Code) -> bytes:
    """NUM content item with an empty Measured Value Sequence and a Numeric Value Qualifier (C.18.1.1)."""
    return (_head(rel, "NUM", concept) + sequence(0x0040, 0xA300, [])
            + sequence(0x0040, 0xA301, [code_body(qualifier)]))


def text(rel: str, concept: Code, value: str, children: list[bytes] | None = None) -> bytes:
    """TEXT content item: Text Value (0040,A160) UT."""
    return _head(rel, "TEXT", concept) + text_element(0x0040, 0xA160, "UT", value) + _children(children or [])


def uidref(rel: str, concept: Code, value: str) -> bytes:
    """UIDREF content item (C.18.8): UID (0040,A124)."""
    return _head(rel, "UIDREF", concept) + text_element(0x0040, 0xA124, "UI", value)


def datetime(rel: str, concept: Code, value: str) -> bytes:
    """DATETIME content item (C.18.7): DateTime (0040,A120) in DT format."""
    return _head(rel, "DATETIME", concept) + text_element(0x0040, 0xA120, "DT", value)


def pname(rel: str, concept: Code, value: str, children: list[bytes] | None = None) -> bytes:
    """PNAME content item (C.18.6): Person Name (0040,A123)."""
    return _head(rel, "PNAME", concept) + text_element(0x0040, 0xA123, "PN", value) + _children(children or [])


def content_sequence(children: list[bytes]) -> RawDataElement:
    """The root Content Sequence (0040,A730) as a raw element pydicom writes as it is."""
    value = b"".join(item(b) for b in children)
    return RawDataElement(Tag(0x0040, 0xA730), "SQ", len(value), value, 0, False, True)
