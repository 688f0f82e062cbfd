"""Keyset ("seek") paging of the study lists: next and previous pages start after a row, not an OFFSET.

A list is ordered by one column and the primary key, both in the same direction, with NULLs placed
explicitly (last when ascending, first when descending, PostgreSQL's own order, so its
``(modality_type, column, id)`` indexes serve both directions). A page link carries a *cursor*: the
ordering value and pk of the last (next page) or first (previous page) row shown. The next page is
then ``WHERE (column, id) beyond cursor ORDER BY ... LIMIT n + 1``: an index range scan that costs the
same on page 2 and on page 20,000, where ``OFFSET`` has to walk past every earlier row.

Cursors are opaque URL-safe strings (base64 of a small JSON array); a cursor that cannot be read is
ignored (the page falls back to its page number).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

from openrem.dose.models import Study


@dataclass(frozen=True)
class Ordering:
    """The ordering of a list: the ORM field and its direction (the pk follows in the same direction)."""

    field: str
    descending: bool

    def order_by(self, reverse: bool = False) -> tuple[OrderBy, OrderBy]:
        """ORDER BY terms (``reverse``: the opposite order, to read a previous page backwards)."""
        desc = self.descending != reverse
        column = F(self.field).desc(nulls_first=True) if desc else F(self.field).asc(nulls_last=True)
        return column, (F("pk").desc() if desc else F("pk").asc())

    def beyond(self, value: Any, pk: int, reverse: bool = False) -> tuple[Q, ...]:
        """Rows after (value, pk) in this order (``reverse``: before it), as consecutive segments.

        Each segment is a condition an index range scan can start from; rows of a later segment come
        after every row of an earlier one. NULLs come last ascending and first descending, so crossing
        between the non-NULL values and the NULLs is a second segment rather than an ``OR`` (which
        would make the database filter every row before the cursor instead of seeking to it).
        """
        desc = self.descending != reverse
        f = self.field
        if value is None:
            same = Q(**{f"{f}__isnull": True, "pk__lt" if desc else "pk__gt": pk})
            return (same, Q(**{f"{f}__isnull": False})) if desc else (same,)
        if desc:  # the redundant bound lets the index scan start at the cursor
            return (Q(**{f"{f}__lte": value}) & (Q(**{f"{f}__lt": value}) | Q(pk__lt=pk)),)
        return (Q(**{f"{f}__gte": value}) & (Q(**{f"{f}__gt": value}) | Q(pk__gt=pk)), Q(**{f"{f}__isnull": True}))


def _value_of(study: Study, field: str) -> Any:
    obj: Any = study
    for part in field.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def encode(study: Study, ordering: Ordering) -> str:
    """The cursor of ``study`` in ``ordering``."""
    value = _value_of(study, ordering.field)
    if isinstance(value, dt.datetime):
        item: Any = {"dt": value.isoformat()}
    elif isinstance(value, dt.date):
        item = {"d": value.isoformat()}
    else:
        item = value
    raw = json.dumps([item, study.pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BIGINT_MAX = 2**63 - 1


def _field(path: str) -> Any:
    model: Any = Study
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return field


def _fits(cursor: tuple[Any, int], ordering: Ordering) -> tuple[Any, int] | None:
    """``cursor`` with its value as the ordering column holds it; ``None`` when the value cannot be one
    of that column (text for a date, a number beyond the column, NaN) or the pk is out of range."""
    value, pk = cursor
    if not 0 <= pk <= BIGINT_MAX:
        return None
    if value is None:
        return cursor
    field = _field(ordering.field)
    try:
        python = field.to_python(value)
    except (ValidationError, TypeError, ValueError, OverflowError):
        return None
    if isinstance(python, float) and not math.isfinite(python):
        return None
    if isinstance(python, int) and not isinstance(python, bool):  # the column's range (SQLite: 64 bits)
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if not ((low or -BIGINT_MAX) <= python <= (high or BIGINT_MAX)):
            return None
    return python, pk


def decode(cursor: str | None, ordering: Ordering) -> tuple[Any, int] | None:
    """(value, pk) of a cursor of a list in ``ordering``, ``None`` when it is absent or cannot be read
    as a row of that ordering."""
    found = _decode(cursor)
    return _fits(found, ordering) if found is not None else None


def _decode(cursor: str | None) -> tuple[Any, int] | None:
    if not cursor or len(cursor) > 400:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        item, pk = json.loads(raw)
        if isinstance(item, dict) and "dt" in item:
            item = dt.datetime.fromisoformat(str(item["dt"]))
        elif isinstance(item, dict) and "d" in item:
            item = dt.date.fromisoformat(str(item["d"]))
        elif not (item is None or isinstance(item, str | int | float)) or isinstance(item, bool):
            return None
        if not isinstance(pk, int) or isinstance(pk, bool):
            return None
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    return item, pk


def seek(qs: QuerySet[Study], ordering: Ordering, cursor: tuple[Any, int], per_page: int,
         backwards: bool) -> tuple[list[Study], bool]:
    """The page after (or, ``backwards``, before) ``cursor``: (rows in list order, more rows beyond).

    One query per segment of :meth:`Ordering.beyond`, the second only when the first ends the page short.
    """
    value, pk = cursor
    order = ordering.order_by(reverse=backwards)
    rows: list[Study] = []
    for segment in ordering.beyond(value, pk, reverse=backwards):
        rows += qs.filter(segment).order_by(*order)[: per_page + 1 - len(rows)]
        if len(rows) > per_page:
            break
    more = len(rows) > per_page
    rows = rows[:per_page]
    return (rows[::-1] if backwards else rows), more
