"""Turn records into plain JSON-able values (used by ``openrem dump FILE`` and by the tests)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from openrem.dicom.records import Coded


def to_plain(obj: Any, *, codes: bool = False) -> Any:
    """Convert a record (or any nesting of records, tuples and scalars) to JSON-able values.

    Coded values become their meaning, or ``{"value", "scheme", "meaning"}`` when ``codes`` is
    true; dates and times become ISO 8601 strings.
    """
    if isinstance(obj, Coded):
        return {"value": obj.value, "scheme": obj.scheme, "meaning": obj.meaning} if codes else obj.meaning
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name), codes=codes) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple | list):
        return [to_plain(v, codes=codes) for v in obj]
    if isinstance(obj, dt.datetime | dt.date | dt.time):
        return obj.isoformat()
    if isinstance(obj, float) and obj.is_integer() and abs(obj) < 2**53:
        return obj
    return obj
