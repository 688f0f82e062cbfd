"""Permission groups of the spec and the server-side checks every view uses.

Groups: viewgroup (browse), exportgroup, pidgroup (patient identifiers), importsizegroup,
importqrgroup, admingroup. Admins do not inherit the other groups (spec: "Users and groups").
Superusers pass every check.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

VIEW = "viewgroup"
EXPORT = "exportgroup"
PID = "pidgroup"
IMPORT_SIZE = "importsizegroup"
IMPORT_QR = "importqrgroup"
ADMIN = "admingroup"
GROUPS = (VIEW, EXPORT, PID, IMPORT_SIZE, IMPORT_QR, ADMIN)

View = Callable[..., HttpResponse]


def in_group(user: Any, group: str) -> bool:
    """Whether ``user`` is a member of ``group`` (superusers are members of every group)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_openrem_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._openrem_groups = cache
    return group in cache


def can_view(user: Any) -> bool:
    """Browsing dose data: viewgroup, or any group that implies seeing the data."""
    return any(in_group(user, g) for g in (VIEW, EXPORT, PID, ADMIN))


def require(check: Callable[[Any], bool]) -> Callable[[View], View]:
    """Decorator: anonymous users go to the login page, users failing ``check`` get 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                if request.path.startswith("/api/"):
                    raise PermissionDenied("authentication required")
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_check = check  # type: ignore[attr-defined]
        return wrapped

    return decorate


def group_required(group: str) -> Callable[[View], View]:
    """Decorator: membership of ``group`` is required."""
    return require(lambda user: in_group(user, group))


def can_import(user: Any) -> bool:
    """Importing DICOM files from the browser: importqrgroup, importsizegroup or admingroup."""
    return any(in_group(user, g) for g in (IMPORT_QR, IMPORT_SIZE, ADMIN))


viewer_required = require(can_view)
login_required = require(lambda user: True)
admin_required = group_required(ADMIN)
