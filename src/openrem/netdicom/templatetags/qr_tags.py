"""Template filters of the query-retrieve pages."""

from __future__ import annotations

from typing import Any

from django import template

from openrem.web.access import ADMIN, IMPORT_QR, in_group

register = template.Library()


@register.filter
def qr_menu(user: Any) -> str:
    """Which query-retrieve menu entries ``user`` gets: "query" (query and summary), "summary" or ""."""
    if in_group(user, IMPORT_QR):
        return "query"
    return "summary" if in_group(user, ADMIN) else ""
