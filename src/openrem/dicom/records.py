"""Frozen, typed records produced by the parsing layer.

The records keep the structure of the DICOM templates (PS3.16):

* :class:`CtRadiationDose` is TID 10011 with TID 10012 (accumulated), TID 10013 (events),
  TID 10014 (scanning length) and TID 10015 (dose check);
* :class:`ProjectionXRayDose` is TID 10001 with TID 10002/10004/10005/10007 (accumulated per plane)
  and TID 10003 (events, with 10003a detector, 10003b source, 10003c mechanical data);
* :class:`RadiopharmaceuticalDose` is TID 10021 with TID 10022 (administration) and TID 10023
  (organ dose), plus PET series read from PET image headers.

Field names are the names used by the store and by ``openrem dump --format reference``. A nested
record (for instance :class:`XraySource` inside :class:`ProjectionEvent`) is a one-to-one group; a
tuple of records is a one-to-many child table. Numeric fields carry their unit in their type
(:mod:`openrem.dicom.units`). Coded values keep code value, coding scheme and meaning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from openrem.dicom.units import (
    KV,
    M2,
    MA,
    Count,
    Deg,
    Gy,
    GyM2,
    Hz,
    Kev,
    Kg,
    KPa,
    M,
    MBq,
    MGy,
    MGyCm,
    Mm,
    Mm2,
    MmAl,
    Ms,
    MSv,
    N,
    Ratio,
    S,
    Years,
)


@dataclass(frozen=True, slots=True)
class Coded:
    """A coded value (PS3.3 Table 8.8-1): code value, coding scheme designator and meaning."""

    value: str
    scheme: str
    meaning: str

    def __str__(self) -> str:
        return self.meaning


# ----------------------------------------------------------------------------------------- CT


@dataclass(frozen=True, slots=True)
class CtAccumulated:
    """TID 10012 CT Accumulated Dose Data."""

    total_number_of_irradiation_events: Count = None
    ct_dose_length_product_total: MGyCm = None
    ct_effective_dose_total: MSv = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class ScanningLength:
    """TID 10014 Scanning Length."""

    scanning_length: Mm = None
    length_of_reconstructable_volume: Mm = None
    exposed_range: Mm = None
    top_z_location_of_reconstructable_volume: Mm = None
    bottom_z_location_of_reconstructable_volume: Mm = None
    top_z_location_of_scanning_length: Mm = None
    bottom_z_location_of_scanning_length: Mm = None
    frame_of_reference_uid: str | None = None


@dataclass(frozen=True, slots=True)
class CtXraySource:
    """CT X-Ray Source Parameters (TID 10013, one row per source)."""

    identification_of_the_xray_source: str | None = None
    kvp: KV = None
    maximum_xray_tube_current: MA = None
    xray_tube_current: MA = None
    exposure_time_per_rotation: S = None
    xray_filter_aluminum_equivalent: MmAl = None


@dataclass(frozen=True, slots=True)
class CtDoseCheck:
    """TID 10015 CT Dose Check Details."""

    dlp_alert_value_configured: bool | None = None
    ctdivol_alert_value_configured: bool | None = None
    dlp_alert_value: MGyCm = None
    ctdivol_alert_value: MGy = None
    accumulated_dlp_forward_estimate: MGyCm = None
    accumulated_ctdivol_forward_estimate: MGy = None
    alert_reason_for_proceeding: str | None = None
    alert_person_name: str | None = None
    dlp_notification_value_configured: bool | None = None
    ctdivol_notification_value_configured: bool | None = None
    dlp_notification_value: MGyCm = None
    ctdivol_notification_value: MGy = None
    dlp_forward_estimate: MGyCm = None
    ctdivol_forward_estimate: MGy = None
    notification_reason_for_proceeding: str | None = None
    notification_person_name: str | None = None


@dataclass(frozen=True, slots=True)
class CtEvent:
    """TID 10013 CT Irradiation Event Data."""

    irradiation_event_uid: str
    acquisition_protocol: str | None = None
    ct_acquisition_type: Coded | None = None
    target_region: Coded | None = None
    target_region_laterality: Coded | None = None  # Laterality modifier (HAS CONCEPT MOD) of Target Region
    procedure_context: Coded | None = None
    irradiation_event_label: str | None = None
    date_time_started: dt.datetime | None = None
    series_description: str | None = None
    mean_ctdivol: MGy = None
    dlp: MGyCm = None
    ctdiw_phantom_type: Coded | None = None
    ctdifreeair_calculation_factor: Ratio = None
    mean_ctdifreeair: MGy = None
    effective_dose: MSv = None
    effective_dose_conversion_factor: Ratio = None
    water_equivalent_diameter: Mm = None  # AAPM Report 220 Dw, in the CT Dose container
    exposure_time: S = None
    pitch_factor: Ratio = None
    nominal_single_collimation_width: Mm = None
    nominal_total_collimation_width: Mm = None
    number_of_xray_sources: Count = None
    xray_modulation_type: str | None = None
    comment: str | None = None
    scanning_length: ScanningLength | None = None
    xray_source_parameters: tuple[CtXraySource, ...] = ()
    dose_check: tuple[CtDoseCheck, ...] = ()


@dataclass(frozen=True, slots=True)
class CtRadiationDose:
    """TID 10011 CT Radiation Dose."""

    procedure_reported: Coded | None = None
    has_intent: Coded | None = None
    start_of_xray_irradiation: dt.datetime | None = None
    end_of_xray_irradiation: dt.datetime | None = None
    scope_of_accumulation: Coded | None = None
    source_of_dose_information: Coded | None = None
    comment: str | None = None
    accumulated: tuple[CtAccumulated, ...] = ()
    events: tuple[CtEvent, ...] = ()


# --------------------------------------------------------------------------- projection X-ray


@dataclass(frozen=True, slots=True)
class AccumProjection:
    """TID 10004 Accumulated Fluoroscopy and Acquisition Projection X-Ray Dose."""

    fluoro_dose_area_product_total: GyM2 = None
    fluoro_dose_rp_total: Gy = None
    total_fluoro_time: S = None
    acquisition_dose_area_product_total: GyM2 = None
    acquisition_dose_rp_total: Gy = None
    total_acquisition_time: S = None
    dose_area_product_total: GyM2 = None
    dose_rp_total: Gy = None
    total_number_of_radiographic_frames: Count = None
    reference_point_definition: str | None = None
    reference_point_definition_code: Coded | None = None


@dataclass(frozen=True, slots=True)
class AccumIntegrated:
    """TID 10007 Accumulated Total Projection Radiography Dose."""

    dose_area_product_total: GyM2 = None
    dose_rp_total: Gy = None
    total_number_of_radiographic_frames: Count = None
    reference_point_definition: str | None = None
    reference_point_definition_code: Coded | None = None


@dataclass(frozen=True, slots=True)
class AccumCassette:
    """TID 10006 Accumulated Cassette-based Projection Radiography Dose."""

    detector_type: Coded | None = None
    total_number_of_radiographic_frames: Count = None


@dataclass(frozen=True, slots=True)
class AccumMammography:
    """TID 10005 Accumulated Mammography X-Ray Dose, one row per laterality."""

    laterality: Coded | None = None
    accumulated_average_glandular_dose: MGy = None


@dataclass(frozen=True, slots=True)
class AccumulatedXrayDose:
    """TID 10002 Accumulated X-Ray Dose, one per acquisition plane."""

    acquisition_plane: Coded | None = None
    accum_proj: AccumProjection | None = None
    accum_integrated: AccumIntegrated | None = None
    accum_cassette: AccumCassette | None = None
    accum_mammography: tuple[AccumMammography, ...] = ()


@dataclass(frozen=True, slots=True)
class XrayFilter:
    """X-Ray Filters (TID 10003b): type, material and thickness range."""

    type: Coded | None = None
    material: Coded | None = None
    thickness_min: Mm = None
    thickness_max: Mm = None


@dataclass(frozen=True, slots=True)
class XraySource:
    """TID 10003b Irradiation Event X-Ray Source Data. Lists hold per-pulse values."""

    dose_rp: Gy = None
    dose_rp_reference_point_definition: str | None = None
    average_glandular_dose: MGy = None
    fluoro_mode: Coded | None = None
    pulse_rate: Hz = None
    number_of_pulses: float | None = None
    derivation: str | None = None
    irradiation_duration: S = None
    average_xray_tube_current: MA = None
    exposure_time: Ms = None
    focal_spot_size: Mm = None
    anode_target_material: Coded | None = None
    collimated_field_area: M2 = None  # TID 10003b: m2
    collimated_field_height: Mm = None
    collimated_field_width: Mm = None
    ii_field_size: Mm = None
    exposure_control_mode: str | None = None
    kvp: tuple[float, ...] = ()
    xray_tube_current: tuple[float, ...] = ()
    exposure_uAs: tuple[float, ...] = ()
    pulse_width: tuple[float, ...] = ()
    filters: tuple[XrayFilter, ...] = ()
    grids: tuple[Coded, ...] = ()


@dataclass(frozen=True, slots=True)
class Distances:
    """Dose related distance measurements (CID 10008)."""

    distance_source_to_isocenter: Mm = None
    distance_source_to_reference_point: Mm = None
    distance_source_to_detector: Mm = None
    distance_source_to_table_plane: Mm = None
    distance_source_to_entrance_surface: Mm = None
    table_longitudinal_position: Mm = None
    table_lateral_position: Mm = None
    table_height_position: Mm = None
    table_longitudinal_end_position: Mm = None
    table_lateral_end_position: Mm = None
    table_height_end_position: Mm = None
    radiological_thickness: Mm = None


@dataclass(frozen=True, slots=True)
class Mechanical:
    """TID 10003c Irradiation Event X-Ray Mechanical Data."""

    crdr_mechanical_configuration: Coded | None = None
    positioner_primary_angle: Deg = None
    positioner_secondary_angle: Deg = None
    positioner_primary_end_angle: Deg = None
    positioner_secondary_end_angle: Deg = None
    column_angulation: Deg = None
    table_head_tilt_angle: Deg = None
    table_horizontal_rotation_angle: Deg = None
    table_cradle_tilt_angle: Deg = None
    compression_thickness: Mm = None
    compression_force: N = None
    compression_pressure: KPa = None
    compression_contact_area: Mm2 = None
    magnification_factor: Ratio = None
    distances: Distances | None = None


@dataclass(frozen=True, slots=True)
class Detector:
    """TID 10003a Irradiation Event X-Ray Detector Data (and image header exposure indices)."""

    exposure_index: float | None = None
    target_exposure_index: float | None = None
    deviation_index: float | None = None
    relative_xray_exposure: float | None = None
    relative_exposure_unit: str | None = None
    sensitivity: float | None = None


@dataclass(frozen=True, slots=True)
class ProjectionEvent:
    """TID 10003 Irradiation Event X-Ray Data."""

    irradiation_event_uid: str
    acquisition_plane: Coded | None = None
    irradiation_event_type: Coded | None = None
    acquisition_protocol: str | None = None
    date_time_started: dt.datetime | None = None
    anatomical_structure: Coded | None = None
    laterality: Coded | None = None
    image_view: Coded | None = None
    image_view_modifiers: tuple[Coded | None, ...] = ()
    projection_eponymous_name: Coded | None = None
    target_region: Coded | None = None
    target_region_laterality: Coded | None = None  # Laterality modifier (HAS CONCEPT MOD) of Target Region
    patient_table_relationship_cid: Coded | None = None
    patient_orientation_cid: Coded | None = None
    patient_orientation_modifier_cid: Coded | None = None
    dose_area_product: GyM2 = None
    half_value_layer: Mm = None
    patient_equivalent_thickness: Mm = None
    entrance_exposure_at_rp: MGy = None
    reference_point_definition: str | None = None
    breast_composition: str | None = None
    percent_fibroglandular_tissue: float | None = None
    irradiation_event_label: str | None = None
    comment: str | None = None
    source: XraySource | None = None
    mechanical: Mechanical | None = None
    detector: Detector | None = None


@dataclass(frozen=True, slots=True)
class ProjectionXRayDose:
    """TID 10001 Projection X-Ray Radiation Dose."""

    procedure_reported: Coded | None = None
    has_intent: Coded | None = None
    acquisition_device_type: Coded | None = None
    scope_of_accumulation: Coded | None = None
    source_of_dose_information: Coded | None = None
    comment: str | None = None
    accumulated: tuple[AccumulatedXrayDose, ...] = ()
    events: tuple[ProjectionEvent, ...] = ()


# ------------------------------------------------------------------- radiopharmaceutical / PET


@dataclass(frozen=True, slots=True)
class OrganDose:
    """TID 10023 Organ Dose."""

    finding_site: Coded | None = None
    laterality: Coded | None = None
    mass: float | None = None
    measurement_method: str | None = None
    organ_dose: MGy = None  # absorbed dose (113518, TID 10023)
    reference_authority: str | None = None


@dataclass(frozen=True, slots=True)
class Administration:
    """TID 10022 Radiopharmaceutical Administration Event Data (or the image-header equivalent)."""

    radiopharmaceutical_agent: Coded | None = None
    radiopharmaceutical_agent_string: str | None = None
    radionuclide: Coded | None = None
    radionuclide_half_life: S = None
    radiopharmaceutical_specific_activity: float | None = None
    administered_activity: MBq = None
    effective_dose: MSv = None
    radiopharmaceutical_start_datetime: dt.datetime | None = None
    radiopharmaceutical_stop_datetime: dt.datetime | None = None
    radiopharmaceutical_volume: float | None = None
    route_of_administration: Coded | None = None
    laterality: Coded | None = None
    radiopharmaceutical_administration_event_uid: str | None = None
    comment: str | None = None
    organ_doses: tuple[OrganDose, ...] = ()


@dataclass(frozen=True, slots=True)
class PatientCharacteristics:
    """Radiopharmaceutical Administration Patient Characteristics (TID 10022 / 10021)."""

    subject_age: Years = None
    subject_sex: Coded | None = None
    patient_height: M = None
    patient_weight: Kg = None
    body_surface_area: float | None = None
    body_mass_index: float | None = None
    glucose: float | None = None
    fasting_duration: float | None = None
    hydration_volume: float | None = None
    serum_creatinine: float | None = None


@dataclass(frozen=True, slots=True)
class PetSeries:
    """PET series data read from PET image headers (PS3.3 C.8.9)."""

    series_uid: str
    series_datetime: dt.datetime | None = None
    number_of_rr_intervals: Count = None
    number_of_time_slots: Count = None
    number_of_time_slices: Count = None
    number_of_slices: Count = None
    reconstruction_method: str | None = None
    coincidence_window_width: float | None = None
    energy_window_lower_limit: Kev = None
    energy_window_upper_limit: Kev = None
    scan_progression_direction: str | None = None
    corrections: tuple[str, ...] = ()
    types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RadiopharmaceuticalDose:
    """TID 10021 Radiopharmaceutical Radiation Dose."""

    associated_procedure: Coded | None = None
    has_intent: Coded | None = None
    comment: str | None = None
    administrations: tuple[Administration, ...] = ()
    patient_characteristics: tuple[PatientCharacteristics, ...] = ()
    pet_series: tuple[PetSeries, ...] = ()


# ------------------------------------------------------------------------------ study level


@dataclass(frozen=True, slots=True)
class Patient:
    """Patient (C.7.1.1) and Patient Study (C.7.2.2) attributes as sent; storage rules apply later."""

    name: str | None = None
    patient_id: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None
    age: str | None = None
    size: M = None
    weight: Kg = None


@dataclass(frozen=True, slots=True)
class Equipment:
    """General Equipment (C.7.5.1) plus the Device Observer UID of the report (TID 1004)."""

    manufacturer: str | None = None
    institution_name: str | None = None
    station_name: str | None = None
    institutional_department_name: str | None = None
    manufacturer_model_name: str | None = None
    device_serial_number: str | None = None
    software_versions: str | None = None
    gantry_id: str | None = None
    device_observer_uid: str | None = None


@dataclass(frozen=True, slots=True)
class Study:
    """General Study (C.7.2.1) and the identifying attributes of the object itself."""

    study_instance_uid: str
    sop_instance_uid: str
    sop_class_uid: str
    modality: str | None = None
    study_date: dt.date | None = None
    study_time: dt.time | None = None
    accession_number: str | None = None
    study_description: str | None = None
    study_id: str | None = None
    procedure_code_value: str | None = None
    procedure_code_meaning: str | None = None
    requested_procedure_code_value: str | None = None
    requested_procedure_code_meaning: str | None = None
    operator_name: str | None = None
    performing_physician_name: str | None = None
    referring_physician_name: str | None = None
    series_instance_uid: str | None = None
    series_time: dt.time | None = None
    content_time: dt.time | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class DoseReport:
    """Everything one DICOM object tells about a study's radiation dose.

    ``kind`` names the parser that produced it (see :mod:`openrem.dicom.classify`); ``modality``
    is the modality type the object implies (CT, RF, DX, CR, PX, MG, NM, or "RF,DX" when only the
    accumulated fluoroscopy data can decide); ``warnings`` lists what was missing or repaired.
    """

    kind: str
    modality: str | None
    study: Study
    patient: Patient
    equipment: Equipment
    ct_radiation_dose: tuple[CtRadiationDose, ...] = ()
    projection_xray_radiation_dose: tuple[ProjectionXRayDose, ...] = ()
    radiopharmaceutical_radiation_dose: tuple[RadiopharmaceuticalDose, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    vendor_fixes: tuple[str, ...] = field(default=())

    def event_uids(self) -> frozenset[str]:
        """Irradiation event UIDs (and administration event UIDs) carried by this report."""
        uids: set[str] = set()
        for ct in self.ct_radiation_dose:
            uids.update(e.irradiation_event_uid for e in ct.events)
        for proj in self.projection_xray_radiation_dose:
            uids.update(e.irradiation_event_uid for e in proj.events)
        for nm in self.radiopharmaceutical_radiation_dose:
            uids.update(
                a.radiopharmaceutical_administration_event_uid
                for a in nm.administrations
                if a.radiopharmaceutical_administration_event_uid
            )
        return frozenset(uids)
