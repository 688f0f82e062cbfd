"""Hand-made single-event projection reports for the skin dose tests (no DICOM file needed)."""

from __future__ import annotations

from openrem.dicom.records import (
    Coded,
    Distances,
    DoseReport,
    Equipment,
    Mechanical,
    Patient,
    ProjectionEvent,
    ProjectionXRayDose,
    Study,
    XrayFilter,
    XraySource,
)

HEAD_FIRST = Coded("F-10470", "SRT", "headfirst")
SUPINE = Coded("F-10340", "SRT", "supine")
FLUORO = Coded("P5-06000", "SRT", "Fluoroscopy")
ROTATIONAL = Coded("113613", "DCM", "Rotational Acquisition")
COPPER = Coded("C-127F9", "SRT", "Copper or Copper compound")


def event(uid: str = "1.2.3.1", primary: float | None = 0.0, secondary: float | None = 0.0,
          long_mm: float | None = -5.0, lat_mm: float | None = 505.0, height_mm: float | None = 150.0,
          sid_mm: float = 800.0, k_ref_gy: float = 1.0e-3, dap_gym2: float = 1.0e-5, kvp: float = 80.0,
          cu_mm: float = 0.0, end: float | None = None, pulses: float | None = None) -> ProjectionEvent:
    """One irradiation event; defaults: PA beam, 10 cm x 10 cm at the reference point, K_ref 1 mGy."""
    filters = (XrayFilter(material=COPPER, thickness_min=cu_mm, thickness_max=cu_mm),) if cu_mm else ()
    return ProjectionEvent(
        irradiation_event_uid=uid,
        irradiation_event_type=ROTATIONAL if end is not None else FLUORO,
        patient_table_relationship_cid=HEAD_FIRST,
        patient_orientation_modifier_cid=SUPINE,
        dose_area_product=dap_gym2,
        source=XraySource(dose_rp=k_ref_gy, kvp=(kvp,), filters=filters, number_of_pulses=pulses),
        mechanical=Mechanical(
            positioner_primary_angle=primary, positioner_secondary_angle=secondary,
            positioner_primary_end_angle=end,
            distances=Distances(distance_source_to_isocenter=sid_mm, table_longitudinal_position=long_mm,
                                table_lateral_position=lat_mm, table_height_position=height_mm),
        ),
    )


def report(*events: ProjectionEvent, height_m: float | None = None, mass_kg: float | None = None) -> DoseReport:
    """A projection X-ray dose report (TID 10001) holding ``events``."""
    return DoseReport(
        kind="rdsr", modality="RF",
        study=Study(study_instance_uid="1.2.3", sop_instance_uid="1.2.3.4", sop_class_uid="1.2.840.10008.5.1.4.1.1.88.67"),
        patient=Patient(size=height_m, weight=mass_kg),
        equipment=Equipment(manufacturer="Test", manufacturer_model_name="Model"),
        projection_xray_radiation_dose=(ProjectionXRayDose(events=tuple(events)),),
    )
