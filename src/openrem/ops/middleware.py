"""The Content-Security-Policy header of every response (``settings.CONTENT_SECURITY_POLICY``).

Scripts, styles, images and connections are limited to this server: pages never load anything
from another host (hospital servers are often offline, and an injected external script cannot
load). Inline scripts and ``eval`` (Plotly.js) are still allowed by the default policy.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Adds ``Content-Security-Policy`` unless the view set one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
