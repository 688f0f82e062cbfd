"""Skin dose maps of stored studies: when to calculate, calculating and storing, reading back.

A map is calculated for a fluoroscopy study (modality type RF) when skin maps are enabled and the
study's system is on the safelist (the whole model, or the model with that software version):
on import as a background task when "calculate on import" is set, otherwise on first view. A
stored map is recalculated when the study's height or weight changed since (size import) or the
calculation version changed. Other features read the peak skin dose with :func:`peak_skin_dose_gy`.
"""

from __future__ import annotations

import gzip
import logging
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from openrem.dicom import records as r
from openrem.dose.models import Study, UniqueEquipment
from openrem.dose.treeio import study_trees_records
from openrem.skin import VERSION, NotCalculated, SkinMap, calculate
from openrem.skinmaps.models import SafelistEntry, SkinDoseMap, SkinMapSettings
from openrem.skinmaps.signals import send_skin_map_stored

log = logging.getLogger("openrem.skinmaps")
FLUORO = "RF"


def safelist_entries(equipment: UniqueEquipment) -> Any:
    """Safelist entries matching a system: same manufacturer and model, any or the same software."""
    return SafelistEntry.objects.filter(
        manufacturer=equipment.manufacturer or "", model_name=equipment.manufacturer_model_name or "",
    ).filter(Q(software_version="") | Q(software_version=equipment.software_versions or ""))


def why_not(study: Study) -> str | None:
    """Why no map is calculated for ``study`` (None: it is)."""
    if study.modality_type != FLUORO:
        return gettext_noop("not a fluoroscopy study")
    if not SkinMapSettings.get().enabled:
        return gettext_noop("skin dose maps are disabled")
    if not safelist_entries(study.equipment).exists():
        return gettext_noop("this system is not on the skin dose map safelist")
    return None


def is_current(result: SkinDoseMap, study: Study) -> bool:
    """Whether the stored result still holds: same calculation version and same height and weight."""
    return (result.version == VERSION and result.input_height_m == study.patient_size
            and result.input_weight_kg == study.patient_weight)


def report_for(study: Study) -> r.DoseReport:
    """The study's stored projection dose trees as a report for :func:`openrem.skin.calculate`."""
    trees = study_trees_records(study)
    return r.DoseReport(
        kind=study.source_kind, modality=study.modality_type,
        study=r.Study(study_instance_uid=study.study_instance_uid, sop_instance_uid="", sop_class_uid=""),
        patient=r.Patient(size=study.patient_size, weight=study.patient_weight),
        equipment=r.Equipment(manufacturer=study.equipment.manufacturer,
                              manufacturer_model_name=study.equipment.manufacturer_model_name),
        projection_xray_radiation_dose=trees["projection_xray_radiation_dose"],
    )


def _fields(result: SkinMap | NotCalculated) -> dict[str, Any]:
    if isinstance(result, NotCalculated):
        return {"status": SkinDoseMap.NOT_CALCULATED, "reason": str(result), "peak_skin_dose_gy": None,
                "dose_map_gz": None, "events_skipped": result.skipped}
    ph = result.phantom
    return {
        "status": SkinDoseMap.CALCULATED, "reason": "", "peak_skin_dose_gy": result.peak_skin_dose_gy,
        "dose_map_gz": gzip.compress(result.dose_gy.astype(np.float32).tobytes(), 6),
        "map_rows": ph.map_rows, "map_columns": ph.width, "torso_length_cm": ph.torso_length,
        "flat_width_cm": ph.flat_width, "curved_width_cm": ph.curved_width, "phantom_width_cm": ph.total_width,
        "phantom_depth_cm": ph.depth, "head_radius_cm": ph.head_radius, "patient_height_cm": ph.height_cm,
        "patient_mass_kg": ph.mass_kg, "height_source": result.height_source, "mass_source": result.mass_source,
        "orientation": result.orientation.code, "orientation_source": result.orientation.source,
        "fraction_dap": result.fraction_dap, "events_used": result.events_used,
        "events_skipped": result.skipped,
    }


def calculate_and_store(study: Study) -> SkinDoseMap:
    """Calculate the study's map and store it (replacing any earlier one) in one transaction.

    An unexpected error is stored as a failed result with its message; it is not raised.
    """
    try:
        fields = _fields(calculate(report_for(study)))
    except Exception as exc:  # the result row says what happened; the caller keeps running
        log.exception("skin dose map of study %s failed", study.pk)
        fields = {"status": SkinDoseMap.FAILED, "reason": f"failed: {type(exc).__name__}: {exc}",
                  "peak_skin_dose_gy": None, "dose_map_gz": None}
    fields.update(version=VERSION, input_height_m=study.patient_size, input_weight_kg=study.patient_weight)
    with transaction.atomic():
        result, _created = SkinDoseMap.objects.update_or_create(study=study, defaults=fields)
        transaction.on_commit(lambda: send_skin_map_stored(study.pk, result.status, result.peak_skin_dose_gy))
    return result


def current_map(study: Study, *, calculate_now: bool = True) -> SkinDoseMap | None:
    """The study's up-to-date map, calculated now when missing or outdated (and ``calculate_now``)."""
    result = SkinDoseMap.objects.filter(study=study).first()
    if result is not None and is_current(result, study):
        return result
    if not calculate_now or why_not(study) is not None:
        return None
    return calculate_and_store(study)


def peak_skin_dose_gy(study: Study | int) -> float | None:
    """The stored, up-to-date peak skin dose of a study in Gy (None: no calculated map).

    Does not calculate; for the peak skin dose alert and exports.
    """
    study_obj = study if isinstance(study, Study) else Study.objects.filter(pk=study).first()
    if study_obj is None:
        return None
    result = SkinDoseMap.objects.filter(study=study_obj, status=SkinDoseMap.CALCULATED).first()
    if result is None or not is_current(result, study_obj):
        return None
    return result.peak_skin_dose_gy


def dose_grid(result: SkinDoseMap) -> npt.NDArray[np.float32] | None:
    """The stored map as a (rows, columns) array in Gy."""
    if not result.dose_map_gz or not result.map_rows or not result.map_columns:
        return None
    data = np.frombuffer(gzip.decompress(bytes(result.dose_map_gz)), dtype=np.float32)
    return data.reshape(result.map_rows, result.map_columns)


def queue_skin_map(study_pk: int) -> Any:
    """Queue the calculation of one study's map as a background task; returns its task record."""
    from openrem.jobs.models import TaskRecord
    from openrem.skinmaps.tasks import skin_map_task

    record = TaskRecord.objects.create(task_type="skin_map", summary=f"study {study_pk}")
    transaction.on_commit(lambda: skin_map_task(record.pk, study_pk))
    return record


def on_study_stored(sender: Any, study_pk: int, action: str, **kwargs: Any) -> None:
    """``study_stored`` receiver: queue the map of a safelisted fluoroscopy study (when on import)."""
    study = Study.objects.select_related("equipment").filter(pk=study_pk).first()
    if study is None or why_not(study) is not None or not SkinMapSettings.get().calculate_on_import:
        return
    queue_skin_map(study_pk)
