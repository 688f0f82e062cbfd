"""Signals of the dose store.

``study_stored`` is sent after the transaction that stored, merged or replaced a study has
committed (never for an object that was already stored), with ``study_pk`` and the ingest
``action``. Receivers (dose alerts, skin dose maps) must be quick: they queue background tasks
rather than compute in the import. A receiver's exception is logged and does not undo the import.
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)

study_stored = Signal()


def send_study_stored(study_pk: int, action: str) -> None:
    """Send ``study_stored``; receivers' errors are logged, never raised into the import."""
    for receiver, result in study_stored.send_robust(sender=None, study_pk=study_pk, action=action):
        if isinstance(result, Exception):
            log.error("study_stored receiver %r failed for study %s: %s", receiver, study_pk, result,
                      exc_info=(type(result), result, result.__traceback__))
