"""Login throttling with django-axes.

Failed logins are counted per user name and client address; after ``AXES_FAILURE_LIMIT`` failures
(``LOGIN_FAILURE_LIMIT``, default 10) that pair is locked out for ``LOGIN_LOCKOUT_HOURS`` (default
0.5 h), even with the right password. Only requests are throttled: ``authenticate()`` called
without a request (management commands, the test client's ``login``) goes straight to the model
backend.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class ThrottledLoginBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' lockout check, for logins that come with a request."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> None:
        """Raise django-axes' lockout error for a locked-out user name and address; never logs in."""
        if request is not None:
            super().authenticate(request, username=username, password=password, **kwargs)
