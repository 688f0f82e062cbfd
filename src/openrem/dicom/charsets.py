"""Specific Character Set defined terms pydicom does not know yet (PS3.3 C.12.1.1.2, PS3.5 6.1).

pydicom reads every defined term of PS3.3 Table C.12-2 to C.12-5 except ISO_IR 203 / ISO 2022 IR 203
(ISO 8859-15, Latin alphabet No. 9, with the euro sign; G1 designation ESC 2/13 6/2). Importing
this module registers them, so SR text, person names and image headers in that set decode
correctly. Registration only adds entries; existing ones are never changed.
"""

from __future__ import annotations

from pydicom import charset

LATIN9_ESCAPE = b"\x1b-b"


def register() -> None:
    """Add the missing defined terms to pydicom's tables (idempotent)."""
    charset.python_encoding.setdefault("ISO_IR 203", "iso8859_15")
    charset.python_encoding.setdefault("ISO 2022 IR 203", "iso8859_15")
    charset.CODES_TO_ENCODINGS.setdefault(LATIN9_ESCAPE, "iso8859_15")
    charset.ENCODINGS_TO_CODES.setdefault("iso8859_15", LATIN9_ESCAPE)


register()
