"""Inbox and task health on the task page, and the admins' "Re-queue" action (docs/tasks.md).

The panel shows, for each inbox, the files waiting for their import, the age of the oldest and the
files moved to ``failed/``, and the tasks that look stuck. "Re-queue" runs one recovery pass
(:func:`openrem.jobs.recovery.recover`): tasks of dead workers are queued again (or failed with a
note), queued tasks get a new queue message, inbox files without a task (older than 30 s) are queued.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openrem.jobs.health import inbox_health, stuck_tasks
from openrem.web.access import admin_required

audit = logging.getLogger("openrem.audit")


def health_context() -> dict[str, Any]:
    """What the health panel shows."""
    return {"inboxes": inbox_health(), "stuck": stuck_tasks()}


def render_health(request: HttpRequest) -> str:
    """The health panel as HTML (admins only; refreshed with the task sections)."""
    return render_to_string("web/tasks/health.html", health_context(), request=request)


@admin_required
@require_POST
def task_requeue(request: HttpRequest) -> HttpResponse:
    """One recovery pass now; the outcome as a message."""
    from openrem.jobs.recovery import recover

    result = recover(at_start=False, min_age=30.0, requeue_all=True)
    audit.info("user %s re-queued: %s", request.user.get_username(), result.line())
    messages.success(request, _("Re-queued: %(tasks)d task(s) queued again, %(failed)d marked failed, "
                                "%(files)d inbox file(s) queued.") % {
        "tasks": len(result.requeued), "failed": len(result.failed), "files": len(result.inbox_files)})
    return redirect("tasks")
