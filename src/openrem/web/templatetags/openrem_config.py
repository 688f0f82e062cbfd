"""Template filters of the configuration menu."""

from __future__ import annotations

from typing import Any

from django import template

from openrem.web.access import ADMIN, in_group

register = template.Library()


@register.filter
def is_openrem_admin(user: Any) -> bool:
    """Whether ``user`` is in admingroup (menus only: every view checks on the server)."""
    return in_group(user, ADMIN)
