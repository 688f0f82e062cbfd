"""Task pages: queued, active, recent (< 6 h) and older background tasks, termination, history size.

Who sees what: members of admingroup see every task and may terminate tasks and change the history
size (the spec). Any other logged-in user sees only the tasks they started themselves (for example a
query-retrieve started from the web interface), read only; tasks started by the command line or by
the DICOM receivers belong to no user and are shown to admins only.

The page refreshes itself without reloading: a small inline script fetches :func:`tasks_json` every
two seconds and swaps in the server-rendered sections that changed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openrem.jobs.models import TaskHistorySettings, TaskRecord
from openrem.jobs.service import request_termination
from openrem.jobs.tasks import trim_history
from openrem.web.access import ADMIN, admin_required, in_group, login_required
from openrem.web.views.config import audit, singleton_form_page, user_name

RECENT = dt.timedelta(hours=6)
OLDER_SHOWN = 200  # older rows sent per refresh unless ?all=1 (the spec warns of huge pages)
SECTIONS = ("queued", "active", "recent", "older")
_PROGRESS = re.compile(r"^\s*(\d+)\s+of\s+(\d+)\b")
FINISHED = (TaskRecord.COMPLETE, TaskRecord.FAILED, TaskRecord.TERMINATED)


def visible_tasks(user: Any) -> QuerySet[TaskRecord]:
    """The task records ``user`` may see: all for admins, otherwise the user's own."""
    records = TaskRecord.objects.select_related("user")
    return records if in_group(user, ADMIN) else records.filter(user=user)


def progress_percent(progress: str) -> int | None:
    """0-100 for a progress line starting "n of N", else ``None``."""
    match = _PROGRESS.match(progress or "")
    if not match or int(match.group(2)) == 0:
        return None
    return min(100, round(100 * int(match.group(1)) / int(match.group(2))))


def _rows(records: QuerySet[TaskRecord]) -> list[dict[str, Any]]:
    return [{"record": r, "percent": progress_percent(r.progress)} for r in records]


def task_sections(user: Any, show_all: bool = False) -> dict[str, Any]:
    """Rows of each section and the total of older rows (only ``OLDER_SHOWN`` are listed unless
    ``show_all``)."""
    records = visible_tasks(user)
    not_started = Q(started_at__isnull=True)
    queued = records.filter(Q(status=TaskRecord.QUEUED) | Q(status=TaskRecord.TERMINATING) & not_started)
    active = records.filter(Q(status=TaskRecord.ACTIVE) | Q(status=TaskRecord.TERMINATING) & ~not_started)
    cutoff = timezone.now() - RECENT
    finished = records.filter(status__in=FINISHED)
    recent = finished.filter(Q(finished_at__gte=cutoff) | Q(finished_at__isnull=True, created_at__gte=cutoff))
    older = finished.exclude(pk__in=recent.values("pk"))
    older_total = older.count()
    return {
        "queued": _rows(queued.order_by("created_at", "pk")),
        "active": _rows(active.order_by("started_at", "pk")),
        "recent": _rows(recent.order_by("-finished_at", "-pk")),
        "older": _rows(older.order_by("-finished_at", "-pk") if show_all
                       else older.order_by("-finished_at", "-pk")[:OLDER_SHOWN]),
        "older_total": older_total,
        "show_all": show_all,
    }


def _context(request: HttpRequest) -> dict[str, Any]:
    show_all = request.GET.get("all") == "1"
    return {"can_terminate": in_group(request.user, ADMIN), "is_admin": in_group(request.user, ADMIN),
            **task_sections(request.user, show_all)}


def _rendered_sections(request: HttpRequest, context: dict[str, Any]) -> dict[str, str]:
    from openrem.web.views.tasks_health import render_health

    sections: dict[str, str] = {name: render_to_string("web/tasks/section.html", {**context, "section": name,
                                                                   "rows": context[name]}, request=request)
                for name in SECTIONS}
    if context["is_admin"]:
        sections = {"health": render_health(request), **sections}
    return sections


@login_required
def tasks_page(request: HttpRequest) -> HttpResponse:
    """The task page (refreshed by the inline script every two seconds)."""
    context = _context(request)
    return render(request, "web/tasks/tasks.html", {**context, "sections": _rendered_sections(request, context),
                                                    "history_size": TaskHistorySettings.get().max_rows})


@login_required
def tasks_json(request: HttpRequest) -> JsonResponse:
    """The sections as HTML fragments plus the number of rows of each (for the live refresh)."""
    context = _context(request)
    counts = {name: len(context[name]) for name in SECTIONS}
    counts["older_total"] = context["older_total"]
    return JsonResponse({"sections": _rendered_sections(request, context), "counts": counts,
                         "time": timezone.now().isoformat()})


@admin_required
@require_POST
def task_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a queued or running task to stop (no confirmation step, as in the spec).

    A queued task that has not started is marked terminated at once (its queue message is dropped by
    the worker); a running one stops at its next check point (between two files of a folder import),
    so nothing is left half-written. Pressed again on a task still terminating (its worker may have
    died), the task is marked terminated."""
    record = get_object_or_404(TaskRecord, pk=pk)
    if record.status == TaskRecord.TERMINATING:
        # asked before and still not stopped: its worker may be gone (killed, server restarted)
        note = _("Marked terminated by %(user)s: the worker did not confirm.") % {"user": user_name(request)}
        TaskRecord.objects.filter(pk=pk, status=TaskRecord.TERMINATING).update(
            status=TaskRecord.TERMINATED, finished_at=timezone.now(),
            error="\n".join(filter(None, [record.error, note])))
        audit.info("user %s marked task %s terminated", user_name(request), record.uuid)
        messages.success(request, _("Task %(task)s marked terminated.") % {"task": record.summary or record.pk})
        return redirect("tasks")
    if record.status not in (TaskRecord.QUEUED, TaskRecord.ACTIVE):
        messages.info(request, _("Task %(task)s is not queued or running.") % {"task": record.summary or record.pk})
        return redirect("tasks")
    request_termination(record)
    # not started yet: nothing will run, so it is terminated now (the worker skips it later)
    TaskRecord.objects.filter(pk=pk, status=TaskRecord.TERMINATING, started_at__isnull=True).update(
        status=TaskRecord.TERMINATED, finished_at=timezone.now())
    audit.info("user %s terminated task %s (%s %s)", user_name(request), record.uuid, record.task_type,
               record.summary)
    messages.success(request, _("Termination of task %(task)s requested.") % {"task": record.summary or record.pk})
    return redirect("tasks")


class TaskHistoryForm(forms.ModelForm):  # type: ignore[type-arg]
    """The number of finished task records kept."""

    class Meta:
        model = TaskHistorySettings
        fields = ["max_rows"]
        labels = {"max_rows": gettext_lazy("Number of tasks kept in the history")}
        help_texts = {"max_rows": gettext_lazy("Older finished tasks are deleted. A very high value makes the "
                                               "task page slow and can exhaust the browser's memory.")}
        widgets = {"max_rows": forms.NumberInput(attrs={"class": "form-control", "min": 1})}

    def clean_max_rows(self) -> int:
        """At least one row."""
        value = int(self.cleaned_data["max_rows"])
        if value < 1:
            raise forms.ValidationError(_("Keep at least one task."))
        return value


@admin_required
def task_settings(request: HttpRequest) -> HttpResponse:
    """The history size (spec: "Task settings", default 2000)."""
    response = singleton_form_page(request, TaskHistoryForm, TaskHistorySettings.get(), _("Task settings"),
                                   "task history settings")
    if request.method == "POST" and response.status_code == 302:
        trim_history()  # a smaller size applies at once
    return response
