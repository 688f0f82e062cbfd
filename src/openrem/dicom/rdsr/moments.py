"""DATETIME content items (PS3.3 C.18.7: a DT value, PS3.5 Table 6.2-1) of every dose report."""

from __future__ import annotations

import datetime as dt

from openrem.dicom.codes import Concept
from openrem.dicom.quantity import Warner
from openrem.dicom.srtree import ContentItem
from openrem.dicom.values import parse_dt


def read_datetime(ctx: Warner, item: ContentItem | None, concept: Concept) -> dt.datetime | None:
    """The DT of the child ``concept`` of ``item``; one that is no DT is None with a warning (its UTC
    offset, if any, is dropped: times are local)."""
    raw = item.txt(concept) if item is not None else None
    value = parse_dt(raw)
    if raw and value is None:
        ctx.warn(f"{concept.name}: {raw!r} is not a valid date-time")
    return value
