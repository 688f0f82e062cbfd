"""Deterministic mutations of DICOM files for fuzzing (``tools/fuzz.py``).

Every mutation takes the file bytes and a :class:`random.Random` and returns new bytes; the same
seed gives the same output. The mutations follow what broke real imports: bit flips, truncation,
removed and duplicated elements and content items, wrong VRs (PS3.5 section 7.1.2 explicit VR
header), huge element lengths, deep SR nesting, NaN / infinite / negative / huge numbers in DS
values (SR Numeric Value and header attributes) and a wrong Specific Character Set (0008,0005).

:func:`fresh_uids` gives each mutated copy its own Study and SOP Instance UIDs (same length, so
the file layout is untouched): every copy is then a new object for the store.
"""

from __future__ import annotations

import random
import re
import struct
from collections.abc import Callable
from io import BytesIO

from pydicom import dcmread
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import Tag

from openrem.dicom.synth import encode as e
from openrem.dicom.synth import vocab as v

Mutation = Callable[[bytes, random.Random], bytes]

_HEADER = re.compile(rb"[\x00-\xff]{4}(?:AE|AS|AT|CS|DA|DS|DT|FD|FL|IS|LO|LT|PN|SH|SL|SS|ST|TM|UI|UL|US|"
                     rb"OB|OW|OF|SQ|UN|UT|UC|UR)")
SHORT_VRS = [b"AE", b"AS", b"AT", b"CS", b"DA", b"DS", b"DT", b"FD", b"FL", b"IS", b"LO", b"LT", b"PN", b"SH",
             b"SL", b"SS", b"ST", b"TM", b"UI", b"UL", b"US"]
LONG_VRS = [b"OB", b"OW", b"OF", b"SQ", b"UN", b"UT", b"UC", b"UR"]
BAD_NUMBERS = ["NaN", "inf", "-inf", "-500", "-1", "1e308", "-1e308", "1e38", "4294967296", "1e-320", "0", " ",
               "abc", "1,5", "1\\2\\3"]
CHARSETS = ["ISO_IR 192", "ISO_IR 100", "ISO_IR 144", "ISO_IR 126", "ISO_IR 127", "ISO_IR 138", "GB18030",
            "GBK", "ISO 2022 IR 87", "ISO_IR 6\\ISO 2022 IR 13", "ISO 2022 IR 149", "NONSENSE", ""]
PREAMBLE = 132
PYDICOM_MAX_SR = 200_000
"""SR files larger than this (bytes) get byte-level mutations only."""


def _body_start(data: bytes) -> int:
    return PREAMBLE if len(data) > PREAMBLE and data[128:132] == b"DICM" else 0


def bit_flips(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    start = _body_start(data)
    for _ in range(rng.randint(1, 8)):
        pos = rng.randrange(start, len(out))
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(_body_start(data), len(data))]


def _headers(data: bytes) -> list[int]:
    """Offsets of what look like explicit VR element headers (tag then a known VR)."""
    return [m.start() for m in _HEADER.finditer(data, _body_start(data))]


def wrong_vr(data: bytes, rng: random.Random) -> bytes:
    spots = _headers(data)
    if not spots:
        return bit_flips(data, rng)
    out = bytearray(data)
    for at in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        same_class = LONG_VRS if bytes(out[at + 4:at + 6]) in LONG_VRS else SHORT_VRS
        pool = same_class if rng.random() < 0.7 else SHORT_VRS + LONG_VRS + [b"QQ", b"\x00\x01"]
        out[at + 4:at + 6] = rng.choice(pool)
    return bytes(out)


def huge_length(data: bytes, rng: random.Random) -> bytes:
    spots = _headers(data)
    if not spots:
        return bit_flips(data, rng)
    at = rng.choice(spots)
    out = bytearray(data)
    if bytes(out[at + 4:at + 6]) in LONG_VRS:
        struct.pack_into("<I", out, at + 8, rng.choice([0xFFFFFFF0, 0x7FFFFFFF, len(data) * 4, 0xFFFFFFFE]))
    else:
        struct.pack_into("<H", out, at + 6, rng.choice([0xFFFF, 0xFFFE, 0x8000]))
    return bytes(out)


def _read(data: bytes) -> Dataset:
    return dcmread(BytesIO(data), force=True)


def _write(ds: Dataset) -> bytes:
    out = BytesIO()
    ds.save_as(out, enforce_file_format=False)
    return out.getvalue()


def _content_items(ds: Dataset) -> list[Dataset]:
    items: list[Dataset] = []
    stack = list(ds.get("ContentSequence", []))
    while stack:
        item = stack.pop()
        items.append(item)
        stack.extend(item.get("ContentSequence", []))
    return items


def _via_pydicom(change: Callable[[Dataset, random.Random], bool]) -> Mutation:
    """A mutation made on the pydicom dataset; falls back to bit flips when it cannot apply."""

    def mutation(data: bytes, rng: random.Random) -> bytes:
        if len(data) > PYDICOM_MAX_SR and b"\x40\x00\x30\xa7" in data:  # huge SR trees: too slow for a fuzz run
            return bit_flips(data, rng)
        try:
            ds = _read(data)
            if change(ds, rng):
                return _write(ds)
        except Exception:  # noqa: BLE001 - an unreadable or unwritable base: mutate its bytes instead
            pass
        return bit_flips(data, rng)

    return mutation


def _remove(ds: Dataset, rng: random.Random) -> bool:
    items = _content_items(ds)
    if items and rng.random() < 0.6:
        parent = rng.choice([ds, *items])
        seq = parent.get("ContentSequence")
        if seq:
            del seq[rng.randrange(len(seq))]
            return True
        keys = [elem.tag for elem in parent]
        if keys:
            del parent[rng.choice(keys)]
            return True
    keys = [elem.tag for elem in ds if elem.tag.group > 0x0002]
    for _ in range(rng.randint(1, 3)):
        if keys:
            tag = keys.pop(rng.randrange(len(keys)))
            del ds[tag]
    return True


def _duplicate(ds: Dataset, rng: random.Random) -> bool:
    items = _content_items(ds)
    parents = [p for p in [ds, *items] if p.get("ContentSequence")]
    if not parents:
        return False
    seq = rng.choice(parents).ContentSequence
    for _ in range(rng.randint(1, 3)):
        seq.append(seq[rng.randrange(len(seq))])
    return True


def _bad_numbers(ds: Dataset, rng: random.Random) -> bool:
    nums = [i for i in _content_items(ds) if i.get("ValueType") == "NUM" and i.get("MeasuredValueSequence")]
    header = [elem for elem in ds if elem.VR in ("DS", "IS")]
    if not nums and not header:
        return False
    for _ in range(rng.randint(1, 6)):
        raw = rng.choice(BAD_NUMBERS).encode("ascii")
        raw += b" " * (len(raw) % 2)
        if nums and (not header or rng.random() < 0.7):
            target, tag = rng.choice(nums).MeasuredValueSequence[0], 0x0040A30A
        else:
            target, tag = ds, rng.choice(header).tag
        target[tag] = RawDataElement(Tag(tag), "DS", len(raw), raw, 0, False, True)
    return True


def wrong_charset(data: bytes, rng: random.Random) -> bytes:
    """Declare another character set and put non-ASCII bytes into some text, bytes left as they are."""
    out = bytearray(data)
    words = [m.start() for m in re.finditer(rb"[A-Za-z]{6,}", data[_body_start(data):])]
    for at in rng.sample(words, min(len(words), rng.randint(1, 4))):
        pos = _body_start(data) + at + 1
        out[pos:pos + 2] = bytes([rng.randrange(0x80, 0x100), rng.randrange(0x80, 0x100)])
    at = data.find(b"\x08\x00\x05\x00CS")
    if at < 0:
        return bytes(out)
    (length,) = struct.unpack_from("<H", data, at + 6)
    value = rng.choice(CHARSETS).encode("ascii")
    value += b" " * (len(value) % 2)
    return bytes(out[:at + 6]) + struct.pack("<H", len(value)) + value + bytes(out[at + 8 + length:])


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    """Append a chain of 40-600 nested CONTAINER items to the root Content Sequence (explicit VR LE)."""
    at = data.find(b"\x40\x00\x30\xa7SQ\x00\x00")
    if at < 0:
        return bit_flips(data, rng)
    body = e.text("CONTAINS", v.COMMENT, "innermost")
    for _ in range(rng.randint(40, 600)):
        body = e.container("CONTAINS", v.COMMENT, [body])
    chain = e.item(body)
    (length,) = struct.unpack_from("<I", data, at + 8)
    if length == 0xFFFFFFFF:
        end = data.find(b"\xfe\xff\xdd\xe0\x00\x00\x00\x00", at + 12)
        return data if end < 0 else data[:end] + chain + data[end:]
    end = at + 12 + length
    return data[:at + 8] + struct.pack("<I", length + len(chain)) + data[at + 12:end] + chain + data[end:]


MUTATIONS: dict[str, Mutation] = {
    "bit_flips": bit_flips,
    "truncate": truncate,
    "removed_elements": _via_pydicom(_remove),
    "duplicated_items": _via_pydicom(_duplicate),
    "wrong_vr": wrong_vr,
    "huge_length": huge_length,
    "deep_nesting": deep_nesting,
    "bad_numbers": _via_pydicom(_bad_numbers),
    "wrong_charset": wrong_charset,
}
"""Every mutation by name."""


def fresh_uids(data: bytes, index: int) -> bytes:
    """Give the object new Study and SOP Instance UIDs of the same length (``index`` makes them unique)."""
    try:
        ds = dcmread(BytesIO(data), stop_before_pixels=True, force=True,
                     specific_tags=["StudyInstanceUID", "SOPInstanceUID"])
        uids = [str(ds.get(k, "") or "") for k in ("StudyInstanceUID", "SOPInstanceUID")]
    except Exception:  # noqa: BLE001 - leave an unreadable base as it is
        return data
    for n, uid in enumerate(uids):
        if len(uid) >= 12 and uid.isascii():
            tail = f"{n + 1}{index:09d}"
            data = data.replace(uid.encode("ascii"), (uid[:-len(tail)] + tail).encode("ascii"))
    return data


def mutate(data: bytes, rng: random.Random, name: str | None = None) -> tuple[str, bytes]:
    """Apply one mutation (``name``, or one chosen by ``rng``); returns its name and the new bytes."""
    chosen = name or rng.choice(sorted(MUTATIONS))
    return chosen, MUTATIONS[chosen](data, rng)
