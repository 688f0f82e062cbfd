"""Styled error pages (403, 404, 500): the site menu and a sentence saying why. Under ``api/`` the
same errors are JSON (``{"error": ..., "status": ...}``, as the API's own errors), so that a client
of the API never has to read a web page."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

log = logging.getLogger("openrem.web")


def _is_api(request: HttpRequest) -> bool:
    prefix = "/" + str(getattr(settings, "VIRTUAL_DIRECTORY", "") or "")
    return request.path_info.startswith(prefix.rstrip("/") + "/api/")


def _render(request: HttpRequest, status: int, title: str, reason: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"error": f"{title}: {reason}", "status": status}, status=status)
    context = {"error_status": status, "error_title": title, "error_reason": reason}
    return HttpResponse(loader.render_to_string("web/error.html", context, request), status=status)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _render(request, 403, _("Not allowed"), _(
        "Your user is not in a group that may open this page. An administrator can add you to the group "
        "it needs (for example viewgroup to browse studies, admingroup for configuration)."))


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _render(request, 404, _("Page not found"), _(
        "There is no page at this address: the study or item may have been deleted, or the link is mistyped."))


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 page; falls back to plain text when the page itself cannot be drawn (database down...)."""
    reason = _("Something went wrong on the server while preparing this page. The error has been logged; "
               "please try again, and tell your administrator if it happens again.")
    if _is_api(request):
        return JsonResponse({"error": reason, "status": 500}, status=500)
    try:
        return _render(request, 500, _("Server error"), reason)
    except Exception:  # the error may be the very thing the page needs (database, templates)
        log.exception("the error page could not be rendered")
        return HttpResponseServerError(reason, content_type="text/plain; charset=utf-8")
