"""Re-encode a DICOM file into another native transfer syntax at the byte level (PS3.5 Annex A).

Used by the tests and the robustness tools to check that the parser reads the same record whatever
the transfer syntax: Implicit VR Little Endian (A.1), Explicit VR Little Endian (A.2), Explicit VR
Big Endian (A.3, retired) and Deflated Explicit VR Little Endian (A.5: the dataset after the File
Meta Information compressed with raw deflate, RFC 1951).

The source must be a little endian Part 10 file; the VRs of an implicit VR source come from
pydicom's data dictionary. The whole work is a plain walk over the element bytes, fast enough to
transcode every sample in each syntax within a test. Sequences and items are written
with undefined length (PS3.5 7.5.1) so that no length needs recomputing; values are byte-swapped
per VR for big endian (PS3.5 7.3). Encapsulated Pixel Data is dropped (a native syntax cannot hold
it); values of VR UN are copied unchanged.
"""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from pydicom.datadict import dictionary_VR
from pydicom.uid import (
    UID,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
)

SYNTAXES = (ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian, DeflatedExplicitVRLittleEndian)
"""The native transfer syntaxes :func:`transcode` writes."""

_LONG_VRS = frozenset({b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"})
_VRS = _LONG_VRS | {b"AE", b"AS", b"AT", b"CS", b"DA", b"DS", b"DT", b"FL", b"FD", b"IS", b"LO", b"LT", b"PN",
                   b"SH", b"SL", b"SS", b"ST", b"TM", b"UI", b"UL", b"US"}
_SWAP = {b"US": 2, b"SS": 2, b"OW": 2, b"AT": 2, b"UL": 4, b"SL": 4, b"FL": 4, b"OF": 4, b"OL": 4,
         b"FD": 8, b"OD": 8, b"SV": 8, b"UV": 8, b"OV": 8}
_UNDEFINED = 0xFFFFFFFF
_ITEM, _ITEM_DELIM, _SEQ_DELIM = 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD
_PIXEL_DATA = 0x7FE00010

# One element in neutral form: (tag, VR, value bytes in little endian) or (tag, b"SQ", items).
Element = tuple[int, bytes, "bytes | list[list[Element]]"]


class TranscodeError(ValueError):
    """The source file is not a Part 10 file this module can re-encode."""


def _split_part10(data: bytes) -> tuple[bytes, int]:
    """Return the File Meta Information's Transfer Syntax UID and the offset of the dataset."""
    if data[128:132] != b"DICM":
        raise TranscodeError("no DICM prefix: not a Part 10 file")
    group, elem, vr, length = struct.unpack_from("<HH2sH", data, 132)
    if (group, elem, vr) != (2, 0, b"UL"):
        raise TranscodeError("File Meta Information has no group length")
    end = 144 + struct.unpack_from("<I", data, 140)[0]
    elements, _ = _read_elements(data, 144, end)
    syntax = next((v for t, _, v in elements if t == 0x00020010), b"")
    assert isinstance(syntax, bytes)
    return syntax.rstrip(b"\x00 "), end


def _dictionary_vr(tag: int) -> bytes:
    """The VR of ``tag`` from the data dictionary (first of an ambiguous pair; UN when unknown)."""
    try:
        vr = dictionary_VR(tag)
    except KeyError:
        return b"UN"
    return vr.split(" ")[0].encode() if vr not in ("NONE", "") else b"UN"


def _read_elements(buf: bytes, pos: int, end: int, implicit: bool = False) -> tuple[list[Element], int]:
    """Read little endian elements from ``pos`` to ``end`` or past an item delimiter.

    In implicit VR the VR comes from the data dictionary and an undefined length means a sequence.
    The contents of an undefined-length UN value are implicit VR (PS3.5 6.2.2).
    """
    out: list[Element] = []
    if implicit and buf[pos + 4:pos + 6] in _VRS:  # a vendor wrote an UN sequence's items in explicit VR
        implicit = False
    while pos < end:
        group, elem = struct.unpack_from("<HH", buf, pos)
        tag = group << 16 | elem
        if tag == _ITEM_DELIM:
            return out, pos + 8
        if implicit:
            length = struct.unpack_from("<I", buf, pos + 4)[0]
            vr = _dictionary_vr(tag)
            pos += 8
            is_seq, sub_implicit = vr == b"SQ" or length == _UNDEFINED, True
        else:
            vr = buf[pos + 4:pos + 6]
            if vr in _LONG_VRS:
                length = struct.unpack_from("<I", buf, pos + 8)[0]
                pos += 12
            else:
                length = struct.unpack_from("<H", buf, pos + 6)[0]
                pos += 8
            is_seq = vr == b"SQ" or (vr == b"UN" and length == _UNDEFINED and tag != _PIXEL_DATA)
            sub_implicit = vr == b"UN"
        if is_seq:
            items, pos = _read_items(buf, pos, length, sub_implicit)
            out.append((tag, b"SQ", items))
            continue
        if length == _UNDEFINED:  # encapsulated pixel data: dropped
            pos = _skip_fragments(buf, pos)
            continue
        out.append((tag, vr, buf[pos:pos + length]))
        pos += length
    return out, pos


def _read_items(buf: bytes, pos: int, length: int, implicit: bool) -> tuple[list[list[Element]], int]:
    end = len(buf) if length == _UNDEFINED else pos + length
    items: list[list[Element]] = []
    while pos < end:
        group, elem, item_len = struct.unpack_from("<HHI", buf, pos)
        pos += 8
        if (group << 16 | elem) == _SEQ_DELIM:
            return items, pos
        if item_len == _UNDEFINED:
            elements, pos = _read_elements(buf, pos, len(buf), implicit)
        else:
            elements, _ = _read_elements(buf, pos, pos + item_len, implicit)
            pos += item_len
        items.append(elements)
    return items, end


def _skip_fragments(buf: bytes, pos: int) -> int:
    while True:
        group, elem, length = struct.unpack_from("<HHI", buf, pos)
        pos += 8
        if (group << 16 | elem) == _SEQ_DELIM:
            return pos
        pos += length


def _swap(value: bytes, vr: bytes) -> bytes:
    width = _SWAP.get(vr)
    if width is None or not value:
        return value
    fmt = {2: "H", 4: "I", 8: "Q"}[width]
    count = len(value) // width
    return struct.pack(f">{count}{fmt}", *struct.unpack(f"<{count}{fmt}", value[:count * width]))


def _encode(elements: list[Element], implicit: bool, little: bool) -> bytes:
    out = BytesIO()
    order = "<" if little else ">"
    for tag, vr, value in elements:
        head = struct.pack(f"{order}HH", tag >> 16, tag & 0xFFFF)
        if isinstance(value, list):
            body = b"".join(
                struct.pack(f"{order}HHI", 0xFFFE, 0xE000, _UNDEFINED) + _encode(item, implicit, little)
                + struct.pack(f"{order}HHI", 0xFFFE, 0xE00D, 0) for item in value
            ) + struct.pack(f"{order}HHI", 0xFFFE, 0xE0DD, 0)
            length = _UNDEFINED
        else:
            body = value if little else _swap(value, vr)
            length = len(body)
        if implicit:
            out.write(head + struct.pack(f"{order}I", length))
        elif vr in _LONG_VRS:
            out.write(head + vr + struct.pack(f"{order}HI", 0, length))
        else:
            out.write(head + vr + struct.pack(f"{order}H", length))
        out.write(body)
    return out.getvalue()


def transcode(data: bytes, syntax: str) -> bytes:
    """Re-encode the Part 10 file ``data`` into ``syntax`` (one of :data:`SYNTAXES`).

    The source may be in any little endian syntax (implicit, explicit, or encapsulated).
    """
    if syntax not in SYNTAXES:
        raise TranscodeError(f"cannot write transfer syntax {syntax}")
    source, start = _split_part10(data)
    if source in (ExplicitVRBigEndian.encode(), DeflatedExplicitVRLittleEndian.encode()):
        raise TranscodeError("the source must be little endian and not deflated")
    elements, _ = _read_elements(data, start, len(data), implicit=source == ImplicitVRLittleEndian.encode())
    meta = [e for e in _read_elements(data, 144, start)[0] if e[0] != 0x00020010]
    meta.append((0x00020010, b"UI", syntax.encode() + (b"\x00" if len(syntax) % 2 else b"")))
    meta.sort(key=lambda e: e[0])
    meta_bytes = _encode(meta, implicit=False, little=True)
    uid = UID(syntax)
    body = _encode(elements, implicit=uid.is_implicit_VR, little=uid.is_little_endian)
    if syntax == DeflatedExplicitVRLittleEndian:
        packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = packer.compress(body) + packer.flush()
        body += b"\x00" * (len(body) % 2)
    group_length = struct.pack("<HH2sHI", 2, 0, b"UL", 4, len(meta_bytes))
    return data[:132] + group_length + meta_bytes + body
