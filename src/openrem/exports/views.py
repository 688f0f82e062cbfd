"""The export pages (spec 2.6): start an export of the current list filter, follow it, download it.

Who may do what (checked here, on the server):

* start an export: exportgroup; a patient-identifier variant also needs pidgroup;
* the exports page: any logged-in user sees their own exports, admins every export;
* download: exportgroup, plus pidgroup when the file includes patient identifiers. Files are served
  only by :func:`download` (never as static media), so guessing a file's URL gives nothing;
* abort / remove a queued export: exportgroup (own exports; admins any); delete: own or admin.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openrem.exports.models import ExportFile
from openrem.exports.run import FORMATS, PID_FORMATS
from openrem.exports.tasks import queue_export
from openrem.jobs.models import TaskRecord
from openrem.jobs.service import request_termination
from openrem.web.access import ADMIN, EXPORT, PID, group_required, in_group, login_required, require

export_required = group_required(EXPORT)
pid_export_required = require(lambda user: in_group(user, EXPORT) and in_group(user, PID))


def visible_exports(user: Any) -> QuerySet[ExportFile]:
    """The exports ``user`` may see: all for admins, otherwise the user's own."""
    exports = ExportFile.objects.select_related("task", "user")
    return exports if in_group(user, ADMIN) else exports.filter(user=user)


def _own(request: HttpRequest, pk: int) -> ExportFile:
    return get_object_or_404(visible_exports(request.user), pk=pk)


def _start(request: HttpRequest, modality: str, fmt: str, pid: str) -> HttpResponse:
    if modality not in FORMATS or fmt not in FORMATS[modality] or (pid and fmt not in PID_FORMATS):
        raise Http404("no such export")
    filters = request.POST.copy()
    queue_export(modality, fmt, filters, request.user, pid=pid, bom=request.POST.get("bom") == "1")
    messages.info(request, _("The export has been queued."))
    return redirect("exports")


@require_POST
@export_required
def start(request: HttpRequest, modality: str, fmt: str) -> HttpResponse:
    """Queue an export of the posted list filter (the list page posts its query string)."""
    return _start(request, modality, fmt, "")


@require_POST
@pid_export_required
def start_pid(request: HttpRequest, modality: str, fmt: str, variant: str) -> HttpResponse:
    """Queue a CSV / XLSX export with patient name, ID or both (and date of birth)."""
    if variant not in ("name", "id", "both"):
        raise Http404("no such variant")
    return _start(request, modality, fmt, variant)


@require_POST
@export_required
def start_openskin(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the openSkin CSV of one fluoroscopy study (from its detail page)."""
    queue_export("rf", "openskin", {"study": str(pk)}, request.user)
    messages.info(request, _("The export has been queued."))
    return redirect("exports")


def _sections(user: Any) -> dict[str, list[ExportFile]]:
    exports = list(visible_exports(user)[:300])
    out: dict[str, list[ExportFile]] = {"queued": [], "active": [], "failed": [], "complete": []}
    for export in exports:
        status = export.status
        if status == TaskRecord.QUEUED or (status == TaskRecord.TERMINATING and export.task
                                           and not export.task.started_at):
            out["queued"].append(export)
        elif status in (TaskRecord.ACTIVE, TaskRecord.TERMINATING):
            out["active"].append(export)
        elif status == TaskRecord.COMPLETE and export.file:
            out["complete"].append(export)
        else:
            out["failed"].append(export)
    return out


def _context(request: HttpRequest) -> dict[str, Any]:
    return {"sections": _sections(request.user), "can_download": in_group(request.user, EXPORT),
            "can_pid": in_group(request.user, PID), "is_admin": in_group(request.user, ADMIN)}


@login_required
def exports_page(request: HttpRequest) -> HttpResponse:
    """Queued, active, failed and finished exports (refreshed every two seconds)."""
    return render(request, "exports/exports.html", _context(request))


@login_required
def exports_table(request: HttpRequest) -> HttpResponse:
    """The tables of the exports page (fetched by the page's refresh script)."""
    return render(request, "exports/tables.html", _context(request))


@export_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file of a finished export; patient-identifier files only for pidgroup members."""
    export = get_object_or_404(ExportFile, pk=pk)
    if export.includes_pid and not in_group(request.user, PID):
        raise PermissionDenied
    if export.user_id != request.user.pk and not in_group(request.user, ADMIN):
        raise PermissionDenied
    path = os.path.join(settings.MEDIA_ROOT, export.file) if export.file else ""
    if not path or not os.path.isfile(path):
        raise Http404("the export file is not there")
    stream = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    response: Any = FileResponse(stream, as_attachment=True, filename=export.file_name)
    return response  # type: ignore[no-any-return]


@require_POST
@export_required
def abort(request: HttpRequest, pk: int) -> HttpResponse:
    """Abort a running export (it stops after the current chunk of studies; its file is removed)."""
    export = _own(request, pk)
    if export.task:
        request_termination(export.task)
    return redirect("exports")


@require_POST
@export_required
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a queued export from the queue (it will not start)."""
    export = _own(request, pk)
    if export.task and export.task.status == TaskRecord.QUEUED:
        request_termination(export.task)
        export.delete()
    return redirect("exports")


@require_POST
@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a finished export: its file and its record."""
    export = _own(request, pk)
    if export.status in (TaskRecord.QUEUED, TaskRecord.ACTIVE, TaskRecord.TERMINATING):
        messages.error(request, _("A running export cannot be deleted; abort it first."))
        return redirect("exports")
    if export.file:
        path = os.path.join(settings.MEDIA_ROOT, export.file)
        if os.path.isfile(path):
            os.remove(path)
    export.delete()
    return redirect("exports")
