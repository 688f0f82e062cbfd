"""``openrem dump --format reference``: stored studies in the shape of the reference values.

The shape (keys, nesting, units) is the contract of ``../shared/golden/reference.json``; it is one
export format, read from the store only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from openrem.dose import treeio
from openrem.dose.models import Study

STUDY_KEYS = (
    "study_instance_uid", "modality_type", "study_date", "study_time", "accession_number", "accession_hashed",
    "study_description", "study_id", "procedure_code_meaning", "requested_procedure_code_meaning",
    "requested_procedure_code_value", "operator_name", "performing_physician_name", "referring_physician_name",
    "series_instance_uid",
)
EQUIPMENT_KEYS = (
    "manufacturer", "manufacturer_model_name", "station_name", "institution_name",
    "institutional_department_name", "device_serial_number", "software_versions", "gantry_id",
    "display_name", "user_defined_modality",
)
SUMMARY_KEYS = (
    "number_of_events", "number_of_events_a", "number_of_events_b", "number_of_planes", "number_of_axial",
    "number_of_spiral", "number_of_stationary", "number_of_const_angle", "total_dlp", "total_dap",
    "total_dap_a", "total_dap_b", "total_rp_dose_a", "total_rp_dose_b", "total_dap_delta_weeks",
    "total_rp_dose_delta_weeks", "total_agd_left", "total_agd_right", "total_agd_both",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def study_to_reference(study: Study) -> dict[str, Any]:
    """One study in the reference shape."""
    out: dict[str, Any] = {"pk": study.pk}
    out.update({k: _plain(getattr(study, k)) for k in STUDY_KEYS})
    out["patient"] = {
        "patient_sex": study.patient_sex,
        "not_patient_indicator": study.not_patient_indicator,
        "patient_name_stored": study.patient_name,
        "patient_id_stored": study.patient_id,
        "patient_birth_date": _plain(study.patient_birth_date),
    }
    out["patient_study"] = {k: getattr(study, k) for k in
                            ("patient_age", "patient_age_decimal", "patient_size", "patient_weight")}
    out["equipment"] = {k: getattr(study.equipment, k) for k in EQUIPMENT_KEYS}
    out["summary"] = {k: getattr(study, k, None) for k in SUMMARY_KEYS}
    objects = list(study.processed_objects.order_by("pk"))
    out["sop_instance_uids_processed"] = [o.sop_instance_uid for o in objects]
    out["source_files_by_sop_uid"] = [o.source_name for o in objects]
    out["files_that_created_or_changed_it"] = [o.source_name for o in objects if o.changed_study]
    for name, trees in treeio.study_trees_plain(study).items():
        if trees:
            out[name] = trees
    return out


def dump_reference() -> dict[str, list[dict[str, Any]]]:
    """Every stored study, oldest first."""
    studies = Study.objects.select_related("equipment").order_by("pk")
    return {"studies": [study_to_reference(s) for s in studies]}
