"""openSkin input CSV of one fluoroscopy study (spec 5.2 "RF openSkin CSV", TID 10003 event data).

One row per irradiation event, in the column order of the stand-alone openSkin input: the patient is
anonymised ("Anon"); doses in the units named in the header (DAP Gy.m2 as stored by TID 10003, dose
at the reference point Gy), angles in degrees, distances and table positions in mm.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from openrem.dose.models import Study
from openrem.exports.cells import CsvOut, open_csv
from openrem.exports.source import iter_studies
from openrem.modalities.export_columns import ExportSpec, mean_nonzero

# header, event path (None: study value or computed)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Patient name", ""), ("Patient sex", ""), ("Study instance UID", ""),
    ("Acquisition plane", "acquisition_plane"), ("DateTime started", "date_time_started"),
    ("Irradiation event type", "irradiation_event_type"), ("Acquisition protocol", "acquisition_protocol"),
    ("Reference point definition", "reference_point_definition"),
    ("Irradiation event UID", "irradiation_event_uid"), ("Dose area product (Gy.m2)", "dose_area_product"),
    ("Dose (RP) (Gy)", "dose_rp"), ("Positioner primary angle (deg)", "positioner_primary_angle"),
    ("Positioner secondary angle (deg)", "positioner_secondary_angle"),
    ("Positioner primary end angle (deg)", "positioner_primary_end_angle"),
    ("Positioner secondary end angle (deg)", "positioner_secondary_end_angle"),
    ("Column angulation (deg)", "column_angulation"), ("X-ray filter type", "filters"),
    ("X-ray filter material", "filters"), ("X-ray filter thickness minimum (mm)", "filters"),
    ("X-ray filter thickness maximum (mm)", "filters"), ("Fluoro mode", "fluoro_mode"),
    ("Pulse rate (pulse/s)", "pulse_rate"), ("Number of pulses", "number_of_pulses"), ("kVp (kV)", "kvp"),
    ("X-ray tube current (mA)", "xray_tube_current"), ("Exposure time (ms)", "exposure_time"),
    ("Pulse width (ms)", "pulse_width"), ("Exposure (uAs)", "exposure_uAs"), ("Focal spot size (mm)", "focal_spot_size"),
    ("Irradiation duration (s)", "irradiation_duration"), ("Average X-ray tube current (mA)", "average_xray_tube_current"),
    ("Distance source to detector (mm)", "distance_source_to_detector"),
    ("Distance source to isocenter (mm)", "distance_source_to_isocenter"),
    ("Table longitudinal position (mm)", "table_longitudinal_position"),
    ("Table lateral position (mm)", "table_lateral_position"), ("Table height position (mm)", "table_height_position"),
    ("Target region", "target_region"), ("Comment", "comment"),
)
PATHS = tuple(dict.fromkeys(p for _h, p in COLUMNS if p))


def _filter_part(filters: Any, index: int) -> str | None:
    if not isinstance(filters, list) or not filters:
        return None
    parts = []
    for f in filters:
        if index < 2:
            item = f.get(("type", "material")[index])
            parts.append(item[2] if isinstance(item, list) and len(item) > 2 else "")
        else:
            value = f.get(("thickness_min", "thickness_max")[index - 2])
            parts.append("" if value is None else repr(value))
    return " | ".join(parts)


def event_row(study: dict[str, Any], event: dict[str, Any]) -> list[Any]:
    out: list[Any] = ["Anon", study.get("patient_sex"), study.get("study_instance_uid")]
    filter_index = 0
    for _header, path in COLUMNS[3:]:
        value = event.get(path)
        if path == "filters":
            out.append(_filter_part(value, filter_index))
            filter_index += 1
        elif path == "exposure_uAs":
            out.append(sum(value) if isinstance(value, list) and value else None)
        elif isinstance(value, list):
            out.append(mean_nonzero(value))
        else:
            out.append(value)
    return out


def write_openskin(spec: ExportSpec, qs: QuerySet[Study], path: str, *, pid: str = "", bom: bool = False,
                   progress: Any = None) -> int:
    """Write the openSkin CSV of the (single) study of ``qs``; returns 1."""
    done = 0
    with open_csv(path, bom) as stream:
        out = CsvOut(stream)
        out.row(h for h, _p in COLUMNS)
        for row in iter_studies(spec, qs, extra_event_paths=PATHS):
            for event in row.events:
                out.row(event_row(row.values, event))
            done += 1
    return done
