"""``skin_map_stored``: sent after a study's skin dose map result has been stored and committed.

Arguments: ``study_pk``, ``status`` (``calculated``, ``not_calculated``, ``failed``) and
``peak_skin_dose_gy`` (Gy, None unless calculated). For the peak skin dose alert, which cannot run
at ``study_stored`` time because the map is calculated afterwards (background task or first view).
Receivers' errors are logged, never raised.
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

log = logging.getLogger("openrem.skinmaps")

skin_map_stored = Signal()


def send_skin_map_stored(study_pk: int, status: str, peak_skin_dose_gy: float | None) -> None:
    """Send ``skin_map_stored``; receivers' errors are logged."""
    for receiver, result in skin_map_stored.send_robust(sender=None, study_pk=study_pk, status=status,
                                                        peak_skin_dose_gy=peak_skin_dose_gy):
        if isinstance(result, Exception):
            log.error("skin_map_stored receiver %r failed for study %s: %s", receiver, study_pk, result,
                      exc_info=(type(result), result, result.__traceback__))
