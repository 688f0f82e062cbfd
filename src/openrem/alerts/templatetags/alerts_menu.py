"""Template filters of the alert and size import menus (menus only: every view checks on the server)."""

from __future__ import annotations

from typing import Any

from django import template

from openrem.web.access import ADMIN, IMPORT_SIZE, can_view, in_group

register = template.Library()


@register.filter
def can_view_alerts(user: Any) -> bool:
    return can_view(user)


@register.filter
def can_import_size(user: Any) -> bool:
    return in_group(user, IMPORT_SIZE) or in_group(user, ADMIN)
