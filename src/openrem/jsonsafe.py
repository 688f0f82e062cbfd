"""Strict JSON (RFC 8259) for the API and the dumps: no bare ``NaN``/``Infinity`` ever.

Python's ``json`` writes non-finite floats as ``NaN``/``Infinity``, which strict parsers reject. The
store never receives such values (:mod:`openrem.dicom.plausible`), but rows written before, or a
computation that overflows, must still give valid JSON: non-finite numbers become ``null``.
"""

from __future__ import annotations

import json
import math
from typing import Any

STRICT = {"allow_nan": False}
"""``json.dumps`` keyword arguments of every JSON output (with :func:`finite` applied first)."""


def finite(obj: Any) -> Any:
    """``obj`` with every non-finite float (in dicts, lists and tuples, at any depth) replaced by None."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(v) for v in obj]
    return obj


def dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` of :func:`finite` ``(obj)``, refusing anything that would not be strict JSON."""
    return json.dumps(finite(obj), allow_nan=False, **kwargs)
