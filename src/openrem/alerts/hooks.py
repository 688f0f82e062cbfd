"""Entry points for other parts of OpenREM.

Skin dose maps: when the skin dose calculation has stored the peak skin dose of a study, it calls
:func:`peak_skin_dose_stored`; the value is kept for the ``peak_skin_dose`` measure (fluoroscopy preset
rule "Peak skin dose", default 2 Gy) and the study is re-checked in the background, with e-mail.
"""

from __future__ import annotations

from openrem.alerts.models import PeakSkinDose


def peak_skin_dose_stored(study_pk: int, peak_skin_dose_gy: float | None) -> None:
    """Record (or clear, with ``None``) the peak skin dose of a study in Gy and queue its alert check."""
    from openrem.alerts.service import queue_check

    if peak_skin_dose_gy is None:
        PeakSkinDose.objects.filter(study_id=study_pk).delete()
    else:
        PeakSkinDose.objects.update_or_create(study_id=study_pk, defaults={"peak_skin_dose_gy": peak_skin_dose_gy})
    queue_check(study_pk, "skin_dose")
