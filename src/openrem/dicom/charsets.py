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
"""

from __future__ import annotations

from pydicom import charset

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


register()
