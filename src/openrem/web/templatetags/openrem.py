"""Template filters and tags of the display layer (:mod:`openrem.modalities.units`, :mod:`openrem.web.humanize`).

* ``{{ value|fmt }}``: a number (4 significant figures, locale separators) or a date and time.
* ``{% qty value "dap" %}``: a stored dose value in the user's display unit (``{{ units.dap }}`` is its symbol).
* ``{{ value|fdate }}`` / ``{{ value|fdatetime }}``: dates for the active language.
* ``{{ name|person }}``, ``{{ meaning|nuclide }}``, ``{{ fix|vendor_fix }}``: readable text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django import template

from openrem.modalities import units as u
from openrem.web import humanize

register = template.Library()


@register.filter
def fmt(value: Any, digits: Any = None) -> str:
    """A number with ``digits`` (default 4) significant figures, never scientific; dates; '—' for none."""
    if isinstance(value, dt.datetime):
        return u.format_date(value, 2)
    if isinstance(value, dt.date):
        return u.format_date(value, 0)
    return u.format_number(value, int(digits) if digits not in (None, "") else u.DEFAULT_DIGITS)


@register.simple_tag(takes_context=True)
def qty(context: Any, value: Any, key: str, with_unit: bool = False) -> str:
    """``value`` (stored unit of quantity ``key``) in the user's display unit."""
    units = context.get("units")
    choice = units.for_quantity(key) if units is not None and hasattr(units, "for_quantity") else None
    return u.format_quantity(value if isinstance(value, int | float) else None, key, choice, unit=with_unit)


@register.filter
def fdate(value: Any) -> str:
    return u.format_date(value, 0) if isinstance(value, dt.date) else (u.format_date(value) if value else "")


@register.filter
def fdatetime(value: Any) -> str:
    return u.format_date(value, 1) if value else ""


@register.filter
def person(value: Any) -> str:
    return humanize.person_name(value)


@register.filter
def nuclide(value: Any) -> str:
    return humanize.nuclide(value)


@register.filter
def vendor_fix(value: Any) -> str:
    return humanize.vendor_fix(str(value))


@register.filter
def report_kind(value: Any) -> str:
    return humanize.report_kind(value)


@register.filter
def without_order(query: str) -> str:
    """The query string without its ordering parameter."""
    return urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "o"])


@register.filter
def column_format(column: Any, value: Any) -> str:
    """``{{ column|column_format:value }}``: a list cell with the column's quantity (default units)."""
    return str(column.format(value))


@register.filter
def code(value: Any) -> str:
    """A coded value: its translated label when known, else its meaning (markup removed)."""
    return humanize.code_label(value)
