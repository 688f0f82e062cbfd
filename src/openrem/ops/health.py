"""``GET /health``: is the system able to receive, store and process dose data?

Checks the database (a query), the task queue (its storage answers; pending task count) and every
enabled store SCP of the DICOM network page (a C-ECHO to it, 3 s). Answers 200 with
``"status": "ok"`` when all pass, else 503 with ``"status": "error"``; anonymous callers (monitoring
tools) get the states only, signed-in users also the details.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

ECHO_TIMEOUT_S = 3.0


def database_state() -> dict[str, Any]:
    """The database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the database is unusable
        log.error("health: database check failed: %s", exc)
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}", "vendor": connection.vendor}
    return {"ok": True, "detail": "", "vendor": connection.vendor}


def task_queue_state() -> dict[str, Any]:
    """The huey storage (Redis or the SQLite queue file) answers; the number of waiting tasks."""
    from huey.contrib.djhuey import HUEY

    try:
        pending = HUEY.pending_count()
    except Exception as exc:  # Redis down, queue file unreadable...
        log.error("health: task queue check failed: %s", exc)
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}", "backend": type(HUEY).__name__}
    return {"ok": True, "detail": "", "backend": type(HUEY).__name__, "pending": pending,
            "immediate": bool(HUEY.immediate)}


def store_scp_states() -> list[dict[str, Any]]:
    """A C-ECHO to every enabled store SCP."""
    from openrem.netdicom.echo import echo
    from openrem.netdicom.models import StoreNode

    states = []
    for node in StoreNode.objects.filter(enabled=True).order_by("name"):
        result = echo(node.host, node.port, node.aet, timeout=ECHO_TIMEOUT_S)
        states.append({"name": node.name, "ok": result.alive,
                       "detail": result.status + (f": {result.detail}" if result.detail else "")})
    return states


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """The health report (see the module docstring)."""
    database = database_state()
    queue = task_queue_state()
    scps = store_scp_states() if database["ok"] else []
    ok = database["ok"] and queue["ok"] and all(s["ok"] for s in scps)
    body: dict[str, Any] = {"status": "ok" if ok else "error",
                            "database": database, "task_queue": queue, "store_scp": scps}
    if not request.user.is_authenticated:
        body = {"status": body["status"], "database": {"ok": database["ok"]},
                "task_queue": {"ok": queue["ok"]}, "store_scp": [{"ok": s["ok"]} for s in scps]}
    return JsonResponse(body, status=200 if ok else 503)
