"""Specific Character Set defined terms pydicom does not handle yet (PS3.3 C.12.1.1.2, PS3.5 6.1).

pydicom 3.0 reads every defined term of PS3.3 Table C.12-2 to C.12-5 except two:

* ISO_IR 203 / ISO 2022 IR 203 (ISO 8859-15, Latin alphabet No. 9, with the euro sign; G1
  designation ESC 2/13 6/2) is missing from its tables; :func:`register` adds it.
* ISO 2022 IR 58 (GB 2312, G1 designation ESC 2/4 2/9 4/1, PS3.5 Table 6.1-8 / Annex K) is in its
  tables, but listed among the encodings whose Python codec reads the escape sequences itself.
  Python's ``iso_ir_58`` codec is plain GB 2312 (EUC-CN bytes) and knows no escape sequence, so
  pydicom left ``$)A`` in the decoded text and wrote GB 2312 text without its escape sequence.
  :func:`register` takes it off that list: pydicom then strips the escape sequence before decoding,
  resets to the default set at the delimiters, and writes the escape sequence before GB 2312 text.

Importing this module registers both, so SR text, person names and image headers in these sets
decode correctly. Registration adds the missing entries and changes only the IR 58 entry above.

:func:`settle` decides how to read text whose bytes the declared set does not describe (UTF-8 in an
object declaring none; non-UTF-8 bytes in an object declaring UTF-8).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydicom import charset
from pydicom.charset import convert_encodings
from pydicom.datadict import dictionary_VR
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset

LATIN9_ESCAPE = b"\x1b-b"
GB2312_ESCAPE = b"\x1b$)A"
GB2312_CODEC = "iso_ir_58"


def register() -> None:
    """Add the missing defined terms to pydicom's tables and correct ISO 2022 IR 58 (idempotent)."""
    charset.python_encoding.setdefault("ISO_IR 203", "iso8859_15")
    charset.python_encoding.setdefault("ISO 2022 IR 203", "iso8859_15")
    charset.CODES_TO_ENCODINGS.setdefault(LATIN9_ESCAPE, "iso8859_15")
    charset.ENCODINGS_TO_CODES.setdefault("iso8859_15", LATIN9_ESCAPE)
    charset.CODES_TO_ENCODINGS.setdefault(GB2312_ESCAPE, GB2312_CODEC)
    charset.ENCODINGS_TO_CODES.setdefault(GB2312_CODEC, GB2312_ESCAPE)
    handled: tuple[str, ...] = tuple(e for e in charset.handled_encodings if e != GB2312_CODEC)
    setattr(charset, "handled_encodings", handled)  # noqa: B010  (pydicom types the tuple as exactly 3 names)


# ---- text the declared character set does not describe (PS3.5 6.1.2.3) ------------------------------

UTF8_TERM, LATIN1_TERM = "ISO_IR 192", "ISO_IR 100"
UNDECLARED_UTF8 = "utf8_text_undeclared_charset"
LATIN1_IN_UTF8 = "latin1_text_in_utf8_object"
FIX_ATTRIBUTE = "openrem_charset_fix"  # the fix applied, kept on the dataset for the parse context
TEXT_VRS = frozenset({"SH", "LO", "ST", "LT", "UT", "PN", "UC"})


def _declared(ds: Dataset) -> list[str]:
    value = ds.get("SpecificCharacterSet")
    terms = [value] if isinstance(value, str) else list(value or [])
    return [str(t).strip() for t in terms]


def _top_level_text(ds: Dataset) -> Iterator[bytes]:
    """The raw (not yet decoded) values of the top-level text elements of ``ds``."""
    for elem in ds.elements():
        if not isinstance(elem, RawDataElement) or not isinstance(elem.value, bytes):
            continue
        vr = elem.VR
        if vr is None:
            try:
                vr = dictionary_VR(elem.tag)
            except KeyError:  # a private element of unknown VR: not read as text
                continue
        if vr in TEXT_VRS:
            yield elem.value


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def settle(ds: Dataset, sr_text: Iterable[bytes] = ()) -> str | None:
    """Read text whose bytes the declared Specific Character Set (0008,0005) does not describe.

    * **No character set declared** (the default repertoire, ISO-IR 6, is 7-bit ASCII: PS3.5
      6.1.2.2) while text values hold other bytes, every one of them valid UTF-8: the object is read
      as ISO_IR 192 (UTF-8), as most systems that leave the set out write it. Otherwise pydicom's
      reading (ISO 8859-1) stands.
    * **ISO_IR 192 declared** while no text value with other than ASCII bytes is valid UTF-8: the
      object is read as ISO_IR 100 (ISO 8859-1) instead of with replacement characters, which would
      lose the letters.

    Mixed evidence, or ISO 2022 escape sequences, leave the declaration as it is. ``sr_text``: the
    raw text values of the SR content (read separately). Called before any text element is decoded;
    returns the name of the fix applied (also kept on ``ds`` as :data:`FIX_ATTRIBUTE`), or None.
    """
    declared = _declared(ds)
    undeclared = all(t in ("", "ISO_IR 6") for t in declared)
    if not undeclared and declared != [UTF8_TERM]:
        return None
    values = [v for v in (*_top_level_text(ds), *sr_text) if not v.isascii()]
    if not values or any(b"\x1b" in v for v in values):
        return None
    valid = [_is_utf8(v) for v in values]
    if undeclared and all(valid):
        term, fix = UTF8_TERM, UNDECLARED_UTF8
    elif not undeclared and not any(valid):
        term, fix = LATIN1_TERM, LATIN1_IN_UTF8
    else:
        return None
    ds.SpecificCharacterSet = term
    ds.set_original_encoding(ds.is_implicit_VR, ds.is_little_endian, convert_encodings(term))
    setattr(ds, FIX_ATTRIBUTE, fix)
    return fix


register()
