"""Query-retrieve as background tasks (huey) and the service functions that queue them."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from django.db import transaction
from huey.contrib.djhuey import db_task

from openrem.jobs.models import TaskRecord
from openrem.jobs.tasks import _finish, _start
from openrem.netdicom.models_query import Query

log = logging.getLogger("openrem.netdicom.qr")


def start_query(query: Query, *, move: bool, user: Any = None) -> TaskRecord:
    """Queue the query (and the move straight after it when ``move``); returns the task record."""
    record = TaskRecord.objects.create(task_type="query", summary=f"query {query.pk}"[:255],
                                       call={"task": "query", "args": [query.pk, move]},
                                       user=user if getattr(user, "is_authenticated", False) else None)
    Query.objects.filter(pk=query.pk).update(query_task=record)
    transaction.on_commit(lambda: query_task(record.pk, query.pk, move))
    return record


def start_move(query: Query, *, user: Any = None) -> TaskRecord:
    """Queue the move of a finished query; returns the task record."""
    record = TaskRecord.objects.create(task_type="move", summary=f"move of query {query.pk}"[:255],
                                       call={"task": "move", "args": [query.pk]},
                                       user=user if getattr(user, "is_authenticated", False) else None)
    Query.objects.filter(pk=query.pk).update(move_task=record, move_requested=True, finished=None)
    transaction.on_commit(lambda: move_task(record.pk, query.pk))
    return record


def _run(record_id: int, query_id: int, query_part: bool, move_part: bool) -> None:
    from openrem.netdicom.qrscu_run import run_move, run_query

    if _start(record_id) is None:
        return
    try:
        query = Query.objects.get(pk=query_id)
        if query_part:
            run_query(query, record_id)
        if move_part and not query.failed:
            run_move(query, record_id)
    except Exception:  # the task record says what happened; the worker keeps running
        log.exception("[query %s] task %s failed", query_id, record_id)
        Query.objects.filter(pk=query_id).update(failed=True, stage="Failed: see the task record")
        _finish(record_id, TaskRecord.FAILED, error=traceback.format_exc())
        return
    query.refresh_from_db()
    status = TaskRecord.FAILED if query.failed else TaskRecord.COMPLETE
    _finish(record_id, status, result=query.stage, error=query.errors)


@db_task(context=False)  # type: ignore[untyped-decorator]
def query_task(record_id: int, query_id: int, move: bool = False) -> None:
    """Query (then move, when asked)."""
    _run(record_id, query_id, True, move)


@db_task(context=False)  # type: ignore[untyped-decorator]
def move_task(record_id: int, query_id: int) -> None:
    """Move the kept objects of a finished query."""
    _run(record_id, query_id, False, True)
