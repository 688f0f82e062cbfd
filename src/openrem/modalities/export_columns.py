"""Export column sets of the five modalities (spec: feature inventory 5.1 and 5.2), declared once.

A column is a path on a row (``values()`` path on the Study, an event or a child table), a unit and
a scale (stored value x scale = exported value, e.g. DAP stored in Gy.m2, exported in cGy.cm2), and
a kind telling the writers how to write it (numbers as numbers, identifiers as text, dates and times
with the configured XLSX formats). The export code in :mod:`openrem.exports` only reads these
declarations, so no format has per-modality copies of the column code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from openrem.modalities.base import Label

GY_M2_TO_CGY_CM2 = 1e6

NUM, TEXT, ID, DATE, TIME, DATETIME, BOOL = "num", "text", "id", "date", "time", "datetime", "bool"


def decimal_scale(value: float, scale: float) -> float:
    """``value x scale`` for a power-of-ten scale, shifted in decimal: 2.31999993e-06 Gy.m2 is exactly
    2.31999993 cGy.cm2 (a binary multiplication would give 2.3199999300000003)."""
    exponent = math.log10(scale)
    if exponent.is_integer():
        return float(Decimal(repr(value)).scaleb(int(exponent)))
    return value * scale


def mean_nonzero(values: Any) -> float | None:
    """Mean of a per-pulse list (kVp, mA, pulse width) excluding zeros (spec: RF XLSX)."""
    if not isinstance(values, list):
        return values if isinstance(values, int | float) else None
    nums = [float(v) for v in values if isinstance(v, int | float) and v]
    return sum(nums) / len(nums) if nums else None


def total_mas(values: Any) -> float | None:
    """Exposure (uAs, per pulse) -> mAs."""
    if not isinstance(values, list):
        return None
    nums = [float(v) for v in values if isinstance(v, int | float)]
    return sum(nums) / 1000.0 if nums else None


def filter_materials(filters: Any) -> str | None:
    """Filter materials of the X-ray filters (TID 10003 Filters), joined with " | "."""
    if not isinstance(filters, list) or not filters:
        return None
    names = []
    for f in filters:
        material = f.get("material") if isinstance(f, dict) else None
        names.append(material[2] if isinstance(material, list) and len(material) > 2 else "")
    return " | ".join(names)


def _thickness(key: str) -> Callable[[Any], str | None]:
    def get(filters: Any) -> str | None:
        if not isinstance(filters, list) or not filters:
            return None
        return " | ".join("" if f.get(key) is None else str(f.get(key)) for f in filters if isinstance(f, dict))

    return get


@dataclass(frozen=True)
class Col:
    """One exported column: ``path`` is a ``values()`` path on the row's table."""

    label: Label
    path: str
    unit: str = ""
    scale: float = 1.0
    kind: str = NUM
    fn: Callable[[Any], Any] | None = None  # derived value (per-pulse means, filter lists)
    pid: bool = False  # a patient identifier column (only in patient-identifier exports)

    def header(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else str(self.label)

    def value(self, row: dict[str, Any]) -> Any:
        raw = row.get(self.path)
        if self.fn is not None:
            return self.fn(raw)
        if raw is not None and self.scale != 1.0 and isinstance(raw, int | float) and not isinstance(raw, bool):
            return decimal_scale(raw, self.scale)
        return raw


@dataclass(frozen=True)
class ChildSet:
    """Rows of a child table laid out across columns (CT sources, NM organ doses, RF planes...).

    ``link``: path from the child row to the id of its owner (the event for ``owner="event"``, the
    study for ``owner="study"``); ``max_count``: fixed number of slots, 0 for "as many as present".
    """

    model: str
    label: Label
    link: str
    owner: str
    columns: tuple[Col, ...]
    max_count: int = 0
    order: tuple[str, ...] = ("id",)


@dataclass(frozen=True)
class ExportSpec:
    """What CSV and XLSX exports of one modality contain."""

    slug: str
    study_columns: tuple[Col, ...]  # modality totals, after the common columns
    event_model: str | None
    event_link: str  # path from the event to its study id
    event_columns: tuple[Col, ...]
    children: tuple[ChildSet, ...] = ()
    csv_layout: str = "events_across"  # events_across | event_rows | study_only
    standard_names: str | None = None  # StandardName modality code
    physician: bool = False  # RF: performing physician in the common columns
    size_columns: bool = True  # height and weight (not MG)
    event_count: bool = True
    event_groups: bool = False  # XLSX All data: exposure groups instead of single events (RF)
    sheet_by: str = "protocol"  # XLSX: one sheet per acquisition protocol (NM: per study description)
    event_order: tuple[str, ...] = field(default=("date_time_started", "id"))


PATIENT_COLUMNS = (
    Col(_("Patient name"), "patient_name", kind=ID, pid=True),
    Col(_("Patient ID"), "patient_id", kind=ID, pid=True),
)


def common_columns(spec: ExportSpec) -> tuple[Col, ...]:
    """The common study columns of 5.1 for ``spec`` (identifier columns are marked ``pid``)."""
    cols: list[Col] = [
        Col(_("Institution"), "equipment__institution_name", kind=TEXT),
        Col(_("Manufacturer"), "equipment__manufacturer", kind=TEXT),
        Col(_("Model name"), "equipment__manufacturer_model_name", kind=TEXT),
        Col(_("Station name"), "equipment__station_name", kind=TEXT),
        Col(_("Display name"), "equipment__display_name", kind=TEXT),
        Col(_("Accession number"), "accession_number", kind=ID),
        Col(_("Operator"), "operator_name", kind=TEXT),
    ]
    if spec.physician:
        cols.append(Col(_("Physician"), "performing_physician_name", kind=TEXT))
    cols += [
        Col(_("Study date"), "study_date", kind=DATE),
        Col(_("Study time"), "study_time", kind=TIME),
        Col(_("Date of birth"), "patient_birth_date", kind=DATE, pid=True),
        Col(_("Age"), "patient_age_decimal", unit="a"),
        Col(_("Sex"), "patient_sex", kind=TEXT),
    ]
    if spec.size_columns:
        cols += [Col(_("Height"), "patient_size", unit="m"), Col(_("Mass"), "patient_weight", unit="kg")]
    cols += [
        Col(_("Test patient?"), "not_patient_indicator", kind=TEXT),
        Col(_("Study description"), "study_description", kind=TEXT),
        Col(_("Requested procedure"), "requested_procedure_code_meaning", kind=TEXT),
        Col(_("Study comments"), "comment", kind=TEXT),
    ]
    if spec.event_count:
        cols.append(Col(_("No. events"), "number_of_events", kind=NUM))
    cols.append(Col(_("Study instance UID"), "study_instance_uid", kind=ID))
    return tuple(cols)


# ----------------------------------------------------------------------------- CT

_CT_SOURCE = (
    Col(_("Source name"), "identification_of_the_xray_source", kind=TEXT),
    Col(_("kVp"), "kvp", unit="kV"),
    Col(_("Maximum mA"), "maximum_xray_tube_current", unit="mA"),
    Col(_("mA"), "xray_tube_current", unit="mA"),
    Col(_("Exposure time per rotation"), "exposure_time_per_rotation", unit="s"),
)
_CT_DOSE_CHECK = (
    Col(_("DLP alert configured"), "dlp_alert_value_configured", kind=BOOL),
    Col(_("DLP alert value"), "dlp_alert_value", unit="mGy.cm"),
    Col(_("DLP forward estimate"), "accumulated_dlp_forward_estimate", unit="mGy.cm"),
    Col(_("CTDIvol alert configured"), "ctdivol_alert_value_configured", kind=BOOL),
    Col(_("CTDIvol alert value"), "ctdivol_alert_value", unit="mGy"),
    Col(_("CTDIvol forward estimate"), "accumulated_ctdivol_forward_estimate", unit="mGy"),
    Col(_("Reason for proceeding"), "alert_reason_for_proceeding", kind=TEXT),
    Col(_("Person name"), "alert_person_name", kind=TEXT),
)

CT = ExportSpec(
    slug="ct", standard_names="CT",
    study_columns=(
        Col(_("DLP total"), "total_dlp", unit="mGy.cm"),
        # derived estimates (openrem.dose.derived): separate columns, never in place of CTDIvol/DLP
        Col(_("Highest SSDE"), "max_ssde_mgy", unit="mGy"),
        Col(_("Effective dose estimate (population average, not patient dose)"), "effective_dose_estimate_msv",
            unit="mSv"),
        Col(_("Effective dose region"), "effective_dose_region", kind=TEXT),
        Col(_("Effective dose coefficients"), "effective_dose_coefficients", kind=TEXT),
    ),
    event_model="CtEvent", event_link="parent__parent_id",
    event_columns=(
        Col(_("Protocol"), "acquisition_protocol", kind=TEXT),
        Col(_("Type"), "ct_acquisition_type", kind=TEXT),
        Col(_("Exposure time"), "exposure_time", unit="s"),
        Col(_("Scanning length"), "scanning_length", unit="mm"),
        Col(_("Slice thickness"), "nominal_single_collimation_width", unit="mm"),
        Col(_("Total collimation"), "nominal_total_collimation_width", unit="mm"),
        Col(_("Pitch"), "pitch_factor"),
        Col(_("No. sources"), "number_of_xray_sources"),
        Col(_("CTDIvol"), "mean_ctdivol", unit="mGy"),
        Col(_("SSDE"), "ssde_mgy", unit="mGy"),
        Col(_("SSDE method"), "ssde_method", kind=TEXT),
        Col(_("SSDE diameter"), "ssde_diameter_cm", unit="cm"),
        Col(_("Phantom"), "ctdiw_phantom_type", kind=TEXT),
        Col(_("DLP"), "dlp", unit="mGy.cm"),
        Col(_("mA modulation type"), "xray_modulation_type", kind=TEXT),
        Col(_("Comments"), "comment", kind=TEXT),
    ),
    children=(
        ChildSet("CtXraySource", _("Source"), "parent_id", "event", _CT_SOURCE, max_count=2),
        ChildSet("CtDoseCheck", _("Dose check"), "parent_id", "event", _CT_DOSE_CHECK, max_count=1),
    ),
)

# ----------------------------------------------------------------------------- projection (DX, RF, MG)

_DAP = Col(_("DAP"), "dose_area_product", unit="cGy.cm2", scale=GY_M2_TO_CGY_CM2)

DX = ExportSpec(
    slug="dx", standard_names="DX",
    study_columns=(Col(_("DAP total"), "total_dap", unit="cGy.cm2", scale=GY_M2_TO_CGY_CM2),),
    event_model="ProjectionEvent", event_link="parent__parent_id",
    event_columns=(
        Col(_("Protocol"), "acquisition_protocol", kind=TEXT),
        Col(_("Anatomy"), "anatomical_structure", kind=TEXT),
        Col(_("Image view"), "image_view", kind=TEXT),
        Col(_("Exposure control mode"), "exposure_control_mode", kind=TEXT),
        Col(_("kVp"), "kvp", unit="kV", fn=mean_nonzero),
        Col(_("mAs"), "exposure_uAs", unit="mAs", fn=total_mas),
        Col(_("mA"), "average_xray_tube_current", unit="mA"),
        Col(_("Exposure time"), "exposure_time", unit="ms"),
        Col(_("Filters"), "filters", kind=TEXT, fn=filter_materials),
        Col(_("Filter thicknesses"), "filters", unit="mm", kind=TEXT, fn=_thickness("thickness_max")),
        Col(_("Exposure index"), "exposure_index"),
        Col(_("Target exposure index"), "target_exposure_index"),
        Col(_("Deviation index"), "deviation_index"),
        Col(_("Relative exposure"), "relative_xray_exposure"),
        Col(_("Relative exposure unit"), "relative_exposure_unit", kind=TEXT),
        _DAP,
        Col(_("Entrance exposure at RP"), "entrance_exposure_at_rp", unit="mGy"),
        Col(_("SID"), "distance_source_to_detector", unit="mm"),
        Col(_("Source to patient distance"), "distance_source_to_entrance_surface", unit="mm"),
        Col(_("Source to isocentre"), "distance_source_to_isocenter", unit="mm"),
        Col(_("Table height"), "table_height_position", unit="mm"),
        Col(_("Comment"), "comment", kind=TEXT),
    ),
)

_PLANE = (
    Col(_("Plane"), "parent__acquisition_plane", kind=TEXT),
    Col(_("DAP total"), "dose_area_product_total", unit="cGy.cm2", scale=GY_M2_TO_CGY_CM2),
    Col(_("RP dose total"), "dose_rp_total", unit="Gy"),
    Col(_("Fluoro DAP total"), "fluoro_dose_area_product_total", unit="cGy.cm2", scale=GY_M2_TO_CGY_CM2),
    Col(_("Fluoro RP dose total"), "fluoro_dose_rp_total", unit="Gy"),
    Col(_("Fluoro time total"), "total_fluoro_time", unit="s"),
    Col(_("Acquisition DAP total"), "acquisition_dose_area_product_total", unit="cGy.cm2",
        scale=GY_M2_TO_CGY_CM2),
    Col(_("Acquisition RP dose total"), "acquisition_dose_rp_total", unit="Gy"),
    Col(_("Acquisition time total"), "total_acquisition_time", unit="s"),
    Col(_("Number of frames"), "total_number_of_radiographic_frames"),
)

RF = ExportSpec(
    slug="rf", standard_names="RF", physician=True, csv_layout="study_only", event_groups=True,
    study_columns=(Col(_("DAP total"), "total_dap", unit="cGy.cm2", scale=GY_M2_TO_CGY_CM2),
                   Col(_("RP dose total A"), "total_rp_dose_a", unit="Gy"),
                   Col(_("RP dose total B"), "total_rp_dose_b", unit="Gy"),
                   # calculated by openSkin (openrem.skin); empty until the map is calculated or when it could not be
                   Col(_("Peak skin dose"), "skin_dose_map__peak_skin_dose_gy", unit="Gy")),
    event_model="ProjectionEvent", event_link="parent__parent_id",
    event_columns=(
        Col(_("Time"), "date_time_started", kind=DATETIME),
        Col(_("Type"), "irradiation_event_type", kind=TEXT),
        Col(_("Protocol"), "acquisition_protocol", kind=TEXT),
        Col(_("Plane"), "acquisition_plane", kind=TEXT),
        Col(_("Field size"), "ii_field_size", unit="mm"),
        Col(_("Filter material"), "filters", kind=TEXT, fn=filter_materials),
        Col(_("Filter thickness"), "filters", unit="mm", kind=TEXT, fn=_thickness("thickness_max")),
        Col(_("kVp"), "kvp", unit="kV", fn=mean_nonzero),
        Col(_("mA"), "xray_tube_current", unit="mA", fn=mean_nonzero),
        Col(_("Pulse width"), "pulse_width", unit="ms", fn=mean_nonzero),
        Col(_("Pulse rate"), "pulse_rate", unit="pulse/s"),
        Col(_("Number of pulses"), "number_of_pulses"),
        Col(_("Exposure time"), "exposure_time", unit="ms"),
        Col(_("Duration"), "irradiation_duration", unit="s"),
        _DAP,
        Col(_("RP dose"), "dose_rp", unit="Gy"),
        Col(_("Primary angle"), "positioner_primary_angle", unit="deg"),
        Col(_("Secondary angle"), "positioner_secondary_angle", unit="deg"),
    ),
    children=(ChildSet("AccumProjection", _("Plane"), "parent__parent__parent_id", "study", _PLANE, max_count=2,
                       order=("parent_id",)),),
)

MG = ExportSpec(
    slug="mg", standard_names="MG", csv_layout="event_rows", size_columns=False,
    study_columns=(Col(_("AGD total left"), "total_agd_left", unit="mGy"),
                   Col(_("AGD total right"), "total_agd_right", unit="mGy"),
                   Col(_("AGD total both"), "total_agd_both", unit="mGy")),
    event_model="ProjectionEvent", event_link="parent__parent_id",
    event_columns=(
        Col(_("View"), "image_view", kind=TEXT),
        Col(_("View modifier"), "image_view_modifiers", kind=TEXT,
            fn=lambda v: " | ".join(m[2] for m in v if isinstance(m, list) and len(m) > 2) if v else None),
        Col(_("Laterality"), "laterality", kind=TEXT),
        Col(_("Acquisition"), "acquisition_protocol", kind=TEXT),
        Col(_("Thickness"), "compression_thickness", unit="mm"),
        Col(_("Radiological thickness"), "radiological_thickness", unit="mm"),
        Col(_("Force"), "compression_force", unit="N"),
        Col(_("Magnification"), "magnification_factor"),
        Col(_("Area"), "collimated_field_area", unit="m2"),
        Col(_("Mode"), "exposure_control_mode", kind=TEXT),
        Col(_("Target"), "anode_target_material", kind=TEXT),
        Col(_("Filter"), "filters", kind=TEXT, fn=filter_materials),
        Col(_("Filter thickness"), "filters", unit="mm", kind=TEXT, fn=_thickness("thickness_max")),
        Col(_("Focal spot size"), "focal_spot_size", unit="mm"),
        Col(_("kVp"), "kvp", unit="kV", fn=mean_nonzero),
        Col(_("mA"), "average_xray_tube_current", unit="mA"),
        Col(_("Exposure time"), "exposure_time", unit="ms"),
        Col(_("mAs"), "exposure_uAs", unit="mAs", fn=total_mas),
        Col(_("ESD"), "entrance_exposure_at_rp", unit="mGy"),
        Col(_("AGD"), "average_glandular_dose", unit="mGy"),
        Col(_("% Fibroglandular tissue"), "percent_fibroglandular_tissue", unit="%"),
        Col(_("Exposure mode description"), "comment", kind=TEXT),
    ),
)

_ORGAN = (
    Col(_("Organ"), "finding_site", kind=TEXT), Col(_("Laterality"), "laterality", kind=TEXT),
    Col(_("Organ dose"), "organ_dose", unit="mGy"), Col(_("Mass"), "mass", unit="g"),
    Col(_("Method"), "measurement_method", kind=TEXT), Col(_("Reference"), "reference_authority", kind=TEXT),
)
_CHARACTERISTICS = (
    Col(_("Body surface area"), "body_surface_area", unit="m2"),
    Col(_("Body mass index"), "body_mass_index", unit="kg/m2"),
    Col(_("Glucose"), "glucose", unit="mmol/l"), Col(_("Fasting duration"), "fasting_duration", unit="h"),
    Col(_("Hydration volume"), "hydration_volume", unit="ml"),
    Col(_("Serum creatinine"), "serum_creatinine", unit="mg/dl"),
)
_PET = (
    Col(_("Series date"), "series_datetime", kind=DATETIME), Col(_("Number of slices"), "number_of_slices"),
    Col(_("Reconstruction method"), "reconstruction_method", kind=TEXT),
    Col(_("Coincidence window width"), "coincidence_window_width", unit="ns"),
    Col(_("Energy window lower limit"), "energy_window_lower_limit", unit="keV"),
    Col(_("Energy window upper limit"), "energy_window_upper_limit", unit="keV"),
    Col(_("Scan progression direction"), "scan_progression_direction", kind=TEXT),
    Col(_("Number of RR intervals"), "number_of_rr_intervals"), Col(_("Number of time slots"), "number_of_time_slots"),
    Col(_("Number of time slices"), "number_of_time_slices"),
)

NM = ExportSpec(
    slug="nm", event_count=False, sheet_by="study_description",
    study_columns=(
        Col(_("Administered activity total"), "total_administered_activity", unit="MBq"),
        # derived estimate (openrem.dose.derived); the RRDSR's own value is the "Effective dose (reported)" column
        Col(_("Effective dose estimate (population average, not patient dose)"), "effective_dose_estimate_msv",
            unit="mSv"),
        Col(_("Effective dose radiopharmaceuticals"), "effective_dose_region", kind=TEXT),
        Col(_("Effective dose coefficients"), "effective_dose_coefficients", kind=TEXT),
    ),
    event_model="Administration", event_link="parent__parent_id",
    event_order=("radiopharmaceutical_start_datetime", "id"),
    event_columns=(
        Col(_("Radiopharmaceutical agent"), "radiopharmaceutical_agent", kind=TEXT),
        Col(_("Radionuclide"), "radionuclide", kind=TEXT),
        Col(_("Half-life"), "radionuclide_half_life", unit="s"),
        Col(_("Administered activity"), "administered_activity", unit="MBq"),
        Col(_("Effective dose (reported)"), "effective_dose", unit="mSv"),
        Col(_("Associated procedure"), "parent__associated_procedure", kind=TEXT),
        Col(_("Start time"), "radiopharmaceutical_start_datetime", kind=DATETIME),
        Col(_("Stop time"), "radiopharmaceutical_stop_datetime", kind=DATETIME),
        Col(_("Route"), "route_of_administration", kind=TEXT),
        Col(_("Route laterality"), "laterality", kind=TEXT),
        Col(_("Comment"), "comment", kind=TEXT),
    ),
    children=(
        ChildSet("OrganDose", _("Organ dose"), "parent_id", "event", _ORGAN),
        ChildSet("PatientCharacteristics", _("Patient characteristics"), "parent__parent_id", "study",
                 _CHARACTERISTICS, max_count=1),
        ChildSet("PetSeries", _("PET series"), "parent__parent_id", "study", _PET),
    ),
)

EXPORT_SPECS: dict[str, ExportSpec] = {s.slug: s for s in (CT, DX, RF, MG, NM)}
