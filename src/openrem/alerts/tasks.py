"""Huey tasks of the alerts: check after import, e-mail with retries, re-check after a rule change."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from django.utils import timezone
from huey.contrib.djhuey import db_task

from openrem.jobs.models import TaskRecord
from openrem.jobs.tasks import _finish, _progress, _start

log = logging.getLogger("openrem.alerts")

EMAIL_RETRIES = 3
EMAIL_RETRY_DELAY_S = 300


def run_check(study_pk: int, *, notify: bool) -> tuple[list[int], list[int]]:
    """Cumulative totals (fluoroscopy), then the rules, for one study and the later studies of the same
    patient whose cumulative totals changed. Returns (re-checked study pks, e-mail task record pks)."""
    from openrem.alerts.cumulative import update_for_study
    from openrem.alerts.engine import check_study
    from openrem.alerts.models import AlertSettings
    from openrem.alerts.service import queue_email

    alert_settings = AlertSettings.get()
    later: list[int] = []
    if alert_settings.calculate_cumulative_on_import:
        later = [pk for pk in update_for_study(study_pk, alert_settings.cumulative_weeks) if pk != study_pk]
    emails = []
    for pk in [study_pk, *later]:
        pending = check_study(pk)
        if notify and pk == study_pk and pending:
            emails.append(queue_email(pk, pending).pk)
    return [study_pk, *later], emails


@db_task(context=False)  # type: ignore[untyped-decorator]
def check_task(study_pk: int, action: str = "") -> None:
    """The check that follows an import: e-mail for the new firings of the stored study. A failure is
    logged and written to a failed ``alert_check`` task record (shown on the task page)."""
    try:
        run_check(study_pk, notify=True)
    except Exception:
        log.exception("alert check of study %s failed", study_pk)
        now = timezone.now()
        TaskRecord.objects.create(task_type="alert_check", status=TaskRecord.FAILED, started_at=now,
                                  finished_at=now, summary=f"study {study_pk}" + (f" ({action})" if action else ""),
                                  error=traceback.format_exc()[:20000])


def _start_attempt(record_id: int) -> bool:
    """Mark an e-mail record active for a first attempt or a retry (a failed attempt left it failed)."""
    return bool(TaskRecord.objects.filter(pk=record_id, status__in=[TaskRecord.QUEUED, TaskRecord.FAILED]).update(
        status=TaskRecord.ACTIVE, started_at=timezone.now()))


@db_task(retries=EMAIL_RETRIES, retry_delay=EMAIL_RETRY_DELAY_S, context=True)  # type: ignore[untyped-decorator]
def email_task(record_id: int, study_pk: int, firing_pks: list[int], task: Any = None) -> None:
    """Send the alert e-mail of a study. A sending failure is logged, written to the task record and
    raised, so huey retries it (``EMAIL_RETRIES`` times, ``EMAIL_RETRY_DELAY_S`` apart)."""
    from openrem.alerts.mail import send_for_study
    from openrem.alerts.models import AlertFiring

    if not _start_attempt(record_id):
        return
    left = getattr(task, "retries", 0)
    attempt = EMAIL_RETRIES - left + 1
    try:
        result = send_for_study(study_pk, firing_pks)
    except Exception as exc:
        log.error("alert e-mail for study %s failed (attempt %s of %s): %s", study_pk, attempt,
                  EMAIL_RETRIES + 1, exc)
        then = f"retry in {EMAIL_RETRY_DELAY_S} s" if left else "no retry left"
        _finish(record_id, TaskRecord.FAILED, result=f"attempt {attempt} of {EMAIL_RETRIES + 1} failed; {then}",
                error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}")
        raise
    if result.startswith("sent"):
        AlertFiring.objects.filter(pk__in=firing_pks, notified_at__isnull=True).update(notified_at=timezone.now())
    _finish(record_id, TaskRecord.COMPLETE, result=result)


@db_task(context=False)  # type: ignore[untyped-decorator]
def recheck_task(record_id: int, modalities: list[str], recalculate_cumulative: bool) -> None:
    """Recalculate the fluoroscopy cumulative totals (when asked) and re-check every study of
    ``modalities`` against the rules (no e-mail). Progress "n of N studies"; can be terminated."""
    from openrem.alerts.cumulative import recalculate_all
    from openrem.alerts.engine import check_study
    from openrem.alerts.models import AlertSettings
    from openrem.dose.models import Study
    from openrem.jobs.service import should_stop
    from openrem.modalities.registry import MODALITIES

    if _start(record_id) is None:
        return
    try:
        alert_settings = AlertSettings.get()
        changed = 0
        if recalculate_cumulative:
            def cumulative_progress(done: int, total: int) -> bool:
                _progress(record_id, f"cumulative totals: {done} of {total} studies")
                return not should_stop(record_id)

            changed = recalculate_all(alert_settings.cumulative_weeks, cumulative_progress)
        types = [t for m in modalities if m in MODALITIES for t in MODALITIES[m].modality_types]
        pks = list(Study.objects.filter(modality_type__in=types).order_by("pk").values_list("pk", flat=True))
        for done, pk in enumerate(pks):
            if done % 20 == 0:
                if should_stop(record_id):
                    _finish(record_id, TaskRecord.TERMINATED, result=f"terminated after {done} of {len(pks)} studies")
                    return
                _progress(record_id, f"{done} of {len(pks)} studies")
            check_study(pk)
        _progress(record_id, f"{len(pks)} of {len(pks)} studies")
        if recalculate_cumulative:
            AlertSettings.objects.filter(pk=alert_settings.pk).update(recalculation_needed=False)
    except Exception:
        log.exception("alert re-check %s failed", record_id)
        _finish(record_id, TaskRecord.FAILED, error=traceback.format_exc())
        return
    _finish(record_id, TaskRecord.COMPLETE,
            result=f"{len(pks)} studies checked" + (f"; cumulative totals changed for {changed}" if
                                                     recalculate_cumulative else ""))
