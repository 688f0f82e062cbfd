"""Request middleware of the web interface: uploads above the size limit are refused before their
body is read (and before the CSRF check parses it); numbers no database column can hold are a 400."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse

from openrem.web import upload

log = logging.getLogger("openrem.web")


class UploadLimitMiddleware:
    """A POST to the upload page whose Content-Length is above ``WEB_UPLOAD_MAX_BYTES`` gets a 413 page.

    Placed after the authentication middleware (the page shows the menu); the CSRF check runs later, in
    ``process_view``, so a refused body is never read or written to disk."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path == reverse("import_upload"):
            error = upload.size_error(request.META.get("CONTENT_LENGTH"))
            if error:
                return render(request, "web/import_upload.html",
                              {"error": error, "max_mb": upload.max_bytes() // 1024**2,
                               "max_files": upload.max_files()}, status=413)
        return self.get_response(request)


class NumberOutOfRangeMiddleware:
    """A request whose id or number is beyond what a database column holds (SQLite refuses to bind an
    integer beyond 64 bits with ``OverflowError``) gets a 400 page instead of a server error, whatever
    view read it. The views look such ids up (form validation, ``get_object_or_404``) before they
    write; this answer does not undo anything a view wrote before the failing query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OverflowError):
            return None
        log.warning("%s %s: a number in the request is out of range (%s)", request.method, request.path, exception)
        return HttpResponseBadRequest("A number in the request is out of range.")
