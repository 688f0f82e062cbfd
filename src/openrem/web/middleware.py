"""Refuse an upload above the size limit before its body is read (and before the CSRF check parses it)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from openrem.web import upload


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
