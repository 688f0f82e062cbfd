"""Template filters for dose values and query strings."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def fmt(value: Any) -> str:
    """A number with up to 4 significant digits below 1000 (no scientific notation); '—' for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.4g}" if abs(value) >= 1e-3 else f"{value:.3e}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


@register.filter
def without_order(query: str) -> str:
    """The query string without its ordering parameter."""
    return urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "o"])
