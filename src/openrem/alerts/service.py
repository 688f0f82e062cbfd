"""Queueing the alert work (check after import, e-mail, re-check after a rule change)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openrem.jobs.models import TaskRecord


def _record(task_type: str, summary: str, user: Any = None) -> TaskRecord:
    return TaskRecord.objects.create(task_type=task_type, summary=summary[:255],
                                     user=user if getattr(user, "is_authenticated", False) else None)


def queue_check(study_pk: int, action: str = "") -> None:
    """Queue the check of one study (cumulative totals, rules, e-mail) as a background task.

    The check gets a task record only when it fails (so the task history is not filled with one check per
    imported object); the e-mail it queues always has one."""
    from openrem.alerts.tasks import check_task

    transaction.on_commit(lambda: check_task(study_pk, action))


def queue_email(study_pk: int, firing_pks: list[int]) -> TaskRecord:
    """Queue the alert e-mail of one study (retried by the task queue when sending fails)."""
    from openrem.alerts.tasks import email_task

    record = _record("alert_email", f"study {study_pk}: {len(firing_pks)} alert(s)")
    transaction.on_commit(lambda: email_task(record.pk, study_pk, firing_pks))
    return record


def queue_recheck(modalities: list[str], *, recalculate_cumulative: bool = False, user: Any = None) -> TaskRecord:
    """Queue the re-check of every study of ``modalities`` (slugs) after a rule or setting change; with
    ``recalculate_cumulative`` the fluoroscopy cumulative totals are recalculated first."""
    from openrem.alerts.tasks import recheck_task

    what = ", ".join(m.upper() for m in modalities) or "-"
    record = _record("alert_recheck", f"{what}" + (" + cumulative totals" if recalculate_cumulative else ""), user)
    transaction.on_commit(lambda: recheck_task(record.pk, modalities, recalculate_cumulative))
    return record
