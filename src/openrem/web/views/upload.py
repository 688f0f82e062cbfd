"""The import page: upload DICOM files or zip archives; each object becomes an import task."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from openrem.web import upload
from openrem.web.access import ADMIN, can_import, in_group, require


@require(can_import)
def import_upload(request: HttpRequest) -> HttpResponse:
    """GET: the form and, with ``?batch=``, the result line of each object of that upload. POST: queue."""
    context = {"max_mb": upload.max_bytes() // 1024**2, "max_files": upload.max_files()}
    if request.method == "POST":
        error = upload.size_error(request.META.get("CONTENT_LENGTH"))  # also checked by the middleware
        files = request.FILES.getlist("files") if not error else []
        if not error and not files:
            error = _("No file was sent: choose one or more DICOM files or zip archives.")
        if error:
            return render(request, "web/import_upload.html", {**context, "error": error}, status=413 if files else 400)
        batch = upload.Batch(request.user)
        for f in files:
            batch.add(f)
        batch.finish()
        return HttpResponseRedirect(f"{reverse('import_upload')}?batch={batch.id}")
    batch_id = request.GET.get("batch", "")
    lines = upload.batch_lines(batch_id, request.user, in_group(request.user, ADMIN)) if batch_id.isalnum() else []
    return render(request, "web/import_upload.html", {**context, "batch": batch_id, "lines": lines})
