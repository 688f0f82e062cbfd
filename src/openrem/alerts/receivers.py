"""Connects the alert check to :data:`openrem.dose.signals.study_stored` (sent after the import committed).

The receiver only queues a background task (huey, with a task record); the import is never blocked or
undone by the check, whose errors land in its task record."""

from __future__ import annotations

import logging
from typing import Any

from openrem.dose.signals import study_stored

log = logging.getLogger("openrem.alerts")


def on_study_stored(sender: Any, study_pk: int, action: str, **kwargs: Any) -> None:
    """Queue the alert check of the stored study."""
    from openrem.alerts.service import queue_check

    queue_check(study_pk, action)


def on_skin_dose_map_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A skin dose map was stored (calculated, failed or not calculated): re-check its study."""
    from openrem.alerts.service import queue_check

    queue_check(instance.study_id, "skin_dose")


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save

    study_stored.connect(on_study_stored, dispatch_uid="openrem.alerts.check")
    if apps.is_installed("openrem.skinmaps"):
        post_save.connect(on_skin_dose_map_saved, sender="skinmaps.SkinDoseMap",
                          dispatch_uid="openrem.alerts.skin_dose_map")
