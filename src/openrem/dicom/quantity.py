"""One reader for a number with its unit: NUM content items (PS3.3 C.18.1, units PS3.16 CID 82 / UCUM).

Used by the CT (TID 10011), projection X-ray (TID 10001) and radiopharmaceutical (TID 10021)
parsers. The one rule, applied to every numeric concept:

* every value of the Numeric Value is read, in order (DS with VM > 1, e.g. one KVP per pulse);
  where the record holds a single value and more were sent, the mean of the non-zero values is
  stored (OpenREM's rule for per-pulse values) with a warning;
* no numeric value: nothing stored, a warning (with the Numeric Value Qualifier's meaning, e.g.
  "Value unknown", when one is sent);
* a value that is not a number: dropped with a warning giving the raw text, except a decimal
  comma ('1,23', fix ``decimal_comma_in_decimal_string``; not '1,234', which may be thousands);
* no unit code: the value is taken to be in the template's unit, with a warning;
* a unit code of the conversion table: converted; a UCUM variant of a table unit (case, ``*`` for
  ``.``, ``^`` exponents, ``µ`` for ``u``, braces, a missing ``.``) is read as that unit with a
  warning naming the code sent;
* any other unit code: the value is dropped (null), and the warning keeps the raw value and unit,
  so no number is ever stored in a unit other than the column's.

A table of ``None`` accepts the value as sent (dimensionless values whose unit is not checked).
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import fmean
from typing import Any, Protocol

from openrem.dicom.srtree import ContentItem
from openrem.dicom.values import decimal_comma, parse_ds


class Warner(Protocol):
    """Anything with a ``warn(message)`` method (the parse context)."""

    def warn(self, message: str) -> None:
        """Record a problem with the input."""

    def fixed(self, name: str) -> None:
        """Record that the named fix of :mod:`openrem.dicom.fixes` was applied."""


def tolerant_number(value: Any, ctx: Warner) -> float | None:
    """A Decimal String value (first value when several), or its decimal-comma reading recorded as
    the fix ``decimal_comma_in_decimal_string``; None when neither reads it."""
    found = parse_ds(value)
    if found is None:
        found = decimal_comma(value)
        if found is not None:
            ctx.fixed("decimal_comma_in_decimal_string")
    return found


def normalise_unit(code: str) -> str:
    """A comparison key for UCUM spellings: case, ``*``/``.``, ``^``, ``µ``, braces and dots ignored."""
    key = code.strip().replace("\u00b5", "u").replace("\u03bc", "u").replace("*", ".").replace("^", "")
    for char in "{}(). ":
        key = key.replace(char, "")
    return key.lower()


def _variant_factor(sent: str, table: Mapping[str, float]) -> tuple[str, float] | None:
    """The table unit ``sent`` is a variant of, with its factor; None when unknown or ambiguous."""
    key = normalise_unit(sent)
    found = {(unit, factor) for unit, factor in table.items() if normalise_unit(unit) == key}
    factors = {factor for _, factor in found}
    if len(factors) != 1:
        return None
    return min(found)


def stored_unit(table: Mapping[str, float]) -> str:
    """The unit the table converts to (its entry with factor 1)."""
    return next((unit for unit, factor in table.items() if factor == 1.0), "the template's unit")


def read_values(item: ContentItem, table: Mapping[str, float] | None, ctx: Warner, name: str) -> tuple[float, ...]:
    """Every value of the NUM ``item`` converted by the module's rule; () when none is usable."""
    values = item.as_floats()
    if not values and item.number is not None:
        comma = tolerant_number(item.number, ctx)
        values = (comma,) if comma is not None else ()
    if not values:
        if item.number is not None:
            ctx.warn(f"{name}: {item.number!r} is not a number; dropped")
        elif item.qualifier is not None:
            ctx.warn(f"{name}: no value ({item.qualifier.meaning})")
        else:
            ctx.warn(f"{name}: no numeric value")
        return ()
    if table is None:
        return values
    sent = item.unit.value if item.unit is not None else ""
    if not sent:
        ctx.warn(f"{name}: no unit given; taken as {stored_unit(table)}")
        return values
    factor = table.get(sent)
    if factor is None:
        variant = _variant_factor(sent, table)
        if variant is None:
            ctx.warn(f"{name}: unexpected unit {sent!r} (expected {stored_unit(table)}); value {item.number} dropped")
            return ()
        ctx.warn(f"{name}: unit code {sent!r} read as {variant[0]}")
        factor = variant[1]
    return values if factor == 1.0 else tuple(v * factor for v in values)


def single(values: tuple[float, ...], ctx: Warner, name: str) -> float | None:
    """One value for a single-valued field: the value, or the mean of the non-zero values of many."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    ctx.warn(f"{name}: {len(values)} values sent; the mean of the non-zero values is stored")
    return mean_nonzero(values)


def mean_nonzero(values: tuple[float, ...] | list[float]) -> float | None:
    """Mean excluding zeros (OpenREM's average of per-pulse values); 0.0 when all are zero."""
    if not values:
        return None
    nonzero = [v for v in values if v != 0.0]
    return fmean(nonzero) if nonzero else 0.0


def read_value(item: ContentItem, table: Mapping[str, float] | None, ctx: Warner, name: str) -> float | None:
    """The value of a NUM item for a single-valued field (see :func:`single`)."""
    return single(read_values(item, table, ctx, name), ctx, name)
