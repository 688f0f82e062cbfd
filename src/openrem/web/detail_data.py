"""Shape the stored dose trees of one study for the detail pages (no HTML here).

:func:`load_trees` reads the three dose trees of a study as records with one query per tree table,
however many events the study has (``prefetch_related`` over every table of
:data:`openrem.dose.models.generated.TREE`, then :func:`openrem.dose.treeio.row_to_record`, whose
child look-ups hit the prefetch cache). The other helpers are pure: they take records and return
rows of values in the stored units (DAP Gy·m², dose at RP Gy, durations s, exposure times ms); the
templates convert them to display units with :mod:`openrem.modalities.units` (``{% qty %}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from django.db import models
from django.utils.translation import gettext

from openrem.dicom import codes
from openrem.dicom import records as r
from openrem.dose import treeio
from openrem.dose.derived import record_event_columns
from openrem.dose.models.generated import TREE, Node
from openrem.web.humanize import code_label

# High-dose highlighting of the fluoroscopy page (one place; to become configurable settings), stored units.
HIGH_DAP_GYM2 = 0.02  # 20,000 cGy·cm²
HIGH_RP_DOSE_GY = 2.0


# ----------------------------------------------------------------------------- loading


def _accessor(node: Node) -> str:
    name = node.model_name.lower()
    return name if node.one_to_one else f"{name}_set"


@cache
def prefetch_paths(top_model: str) -> tuple[str, ...]:
    """``prefetch_related`` lookups reaching every table below ``top_model`` in the tree."""
    by_name = {n.model_name: n for n in TREE}
    paths: list[str] = []
    for node in TREE:
        chain: list[str] = []
        current: Node | None = node
        while current is not None and current.model_name != top_model:
            chain.insert(0, _accessor(current))
            current = by_name.get(current.parent) if current.parent else None
        if current is not None and chain:
            paths.append("__".join(chain))
    return tuple(paths)


def load_trees(study: models.Model) -> dict[str, tuple[Any, ...]]:
    """The CT, projection and radiopharmaceutical trees of ``study`` as records (bounded queries)."""
    out: dict[str, tuple[Any, ...]] = {}
    for name, record_type in treeio.TOP_LEVEL:
        model = treeio.model_for(record_type)
        rows = model.objects.filter(parent=study).prefetch_related(*prefetch_paths(model.__name__))
        out[name] = tuple(treeio.row_to_record(row, record_type) for row in rows)
    return out


# ----------------------------------------------------------------------------- small helpers


def meaning(coded: r.Coded | None) -> str:
    """The label shown for a coded value: translated when known (by code), else its meaning; "" for none."""
    return code_label(coded)


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the non-empty values (per-pulse kVp, mA, ...), None when there are none."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _sum(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _scale(value: float | None, factor: float) -> float | None:
    return value * factor if value is not None else None


def filters_text(filters: Sequence[r.XrayFilter]) -> str:
    """``Copper 0.1–0.2 mm; Aluminum 1 mm`` style description of the X-ray filters."""
    parts = []
    for f in filters:
        low, high = f.thickness_min, f.thickness_max
        if low is not None and high is not None and low != high:
            thickness = f"{low:g}–{high:g} mm"
        elif low is not None or high is not None:
            thickness = f"{(low if low is not None else high):g} mm"
        else:
            thickness = ""
        parts.append(" ".join(p for p in (meaning(f.material) or meaning(f.type), thickness) if p))
    return "; ".join(parts)


def is_high_dap(dap_gym2: float | None) -> bool:
    """DAP (Gy·m², as stored) above the highlighting threshold."""
    return dap_gym2 is not None and dap_gym2 > HIGH_DAP_GYM2


def is_high_rp_dose(dose_gy: float | None) -> bool:
    """Dose at the reference point (Gy) above the highlighting threshold."""
    return dose_gy is not None and dose_gy > HIGH_RP_DOSE_GY


# ----------------------------------------------------------------------------- projection X-ray


def projection_events(proj: Sequence[r.ProjectionXRayDose]) -> list[r.ProjectionEvent]:
    """Every projection event of the study, in time order (events without a time last)."""
    events = [e for p in proj for e in p.events]
    return sorted(events, key=lambda e: (e.date_time_started is None, e.date_time_started or 0))


def event_row(event: r.ProjectionEvent) -> dict[str, Any]:
    """Display values of one projection event (RF, DX and MG tables read what they need)."""
    src = event.source or r.XraySource()
    mech = event.mechanical or r.Mechanical()
    dist = mech.distances or r.Distances()
    det = event.detector or r.Detector()
    dap = event.dose_area_product
    uas = _sum(src.exposure_uAs)
    width, height = src.collimated_field_width, src.collimated_field_height
    return {
        "event": event, "time": event.date_time_started, "protocol": event.acquisition_protocol or "",
        "type": meaning(event.irradiation_event_type), "plane": meaning(event.acquisition_plane),
        "anatomy": meaning(event.anatomical_structure), "laterality": meaning(event.laterality),
        "view": meaning(event.image_view),
        "modifiers": ", ".join(meaning(m) for m in event.image_view_modifiers if m is not None),
        "dap": dap, "dap_high": is_high_dap(dap), "rp_dose": src.dose_rp, "rp_high": is_high_rp_dose(src.dose_rp),
        "esd": event.entrance_exposure_at_rp, "agd": src.average_glandular_dose,
        "pulse_rate": src.pulse_rate, "fluoro_mode": meaning(src.fluoro_mode),
        "duration_s": src.irradiation_duration, "exposure_time_ms": src.exposure_time,
        "kvp": mean(src.kvp), "ma": mean(src.xray_tube_current), "mas": _scale(uas, 1e-3),
        "pulse_width": mean(src.pulse_width), "filters": filters_text(src.filters),
        "grids": ", ".join(meaning(g) for g in src.grids), "target": meaning(src.anode_target_material),
        "exposure_control_mode": src.exposure_control_mode or "",
        "field_height": height, "field_width": width,
        "ii_field_size": src.ii_field_size,
        "primary_angle": mech.positioner_primary_angle, "secondary_angle": mech.positioner_secondary_angle,
        "thickness": mech.compression_thickness, "force": mech.compression_force,
        "sid": dist.distance_source_to_detector,
        "orientation": " / ".join(p for p in (meaning(event.patient_table_relationship_cid),
                                              meaning(event.patient_orientation_cid),
                                              meaning(event.patient_orientation_modifier_cid)) if p),
        "ei": det.exposure_index, "target_ei": det.target_exposure_index, "di": det.deviation_index,
        "relative_exposure": det.relative_xray_exposure, "relative_exposure_unit": det.relative_exposure_unit or "",
        "comment": event.comment or "",
    }


def plane_rows(proj: Sequence[r.ProjectionXRayDose]) -> list[dict[str, Any]]:
    """Accumulated data per acquisition plane (TID 10002), in display units."""
    rows = []
    for acc in (a for p in proj for a in p.accumulated):
        ap = acc.accum_proj or r.AccumProjection()
        integ = acc.accum_integrated or r.AccumIntegrated()
        dap = (ap.dose_area_product_total if ap.dose_area_product_total is not None
               else integ.dose_area_product_total)
        rp = ap.dose_rp_total if ap.dose_rp_total is not None else integ.dose_rp_total
        rows.append({
            "plane": meaning(acc.acquisition_plane), "dap": dap, "dap_high": is_high_dap(dap),
            "rp_dose": rp, "rp_high": is_high_rp_dose(rp),
            "fluoro_dap": ap.fluoro_dose_area_product_total,
            "fluoro_rp_dose": ap.fluoro_dose_rp_total, "fluoro_time": ap.total_fluoro_time,
            "acquisition_dap": ap.acquisition_dose_area_product_total,
            "acquisition_rp_dose": ap.acquisition_dose_rp_total, "acquisition_time": ap.total_acquisition_time,
            "frames": ap.total_number_of_radiographic_frames if ap.total_number_of_radiographic_frames is not None
            else integ.total_number_of_radiographic_frames,
            "reference_point": ap.reference_point_definition or meaning(ap.reference_point_definition_code)
            or integ.reference_point_definition or "",
        })
    return rows


def _irradiation_key(event: r.ProjectionEvent) -> tuple[int, str]:
    """Fluoroscopy (matched on its codes) first, then the acquisition types by meaning."""
    kind = event.irradiation_event_type
    if kind is not None and codes.FLUOROSCOPY.matches(kind.value, kind.scheme):
        return (0, "")
    return (1, meaning(kind))


def _irradiation_label(key: tuple[int, str]) -> str:
    if key[0] == 0:
        return gettext("Fluoroscopy")
    return key[1] or gettext("Unknown")


def irradiation_summary(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Count, DAP, RP dose and duration by irradiation type and plane, then per-plane and overall totals.

    ``rows`` are :func:`event_row` results. Fluoroscopy comes first, then each acquisition type;
    rows with ``total`` set are the totals (``plane`` empty for the overall total).
    """
    groups: dict[tuple[tuple[int, str], str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((_irradiation_key(row["event"]), row["plane"]), []).append(row)
    out = [_summary_row(_irradiation_label(kind), plane, members, False)
           for (kind, plane), members in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1]))]
    planes = sorted({row["plane"] for row in rows})
    if len(planes) > 1:
        out += [_summary_row("", plane, [row for row in rows if row["plane"] == plane], True) for plane in planes]
    if rows:
        out.append(_summary_row("", "", list(rows), True))
    return out


def _summary_row(kind: str, plane: str, members: Sequence[dict[str, Any]], total: bool) -> dict[str, Any]:
    dap = _sum(m["dap"] for m in members)
    rp = _sum(m["rp_dose"] for m in members)
    return {"type": kind, "plane": plane, "total": total, "count": len(members),
            "dap": dap, "dap_high": is_high_dap(dap), "rp_dose": rp, "rp_high": is_high_rp_dose(rp),
            "duration_s": _sum(m["duration_s"] for m in members)}


def breast_rows(proj: Sequence[r.ProjectionXRayDose]) -> list[dict[str, Any]]:
    """Accumulated average glandular dose per breast (TID 10005), as reported."""
    return [{"laterality": meaning(m.laterality), "agd": m.accumulated_average_glandular_dose}
            for p in proj for a in p.accumulated for m in a.accum_mammography]


# ----------------------------------------------------------------------------- CT


def _exceeds(configured: bool | None, estimate: float | None, limit: float | None) -> bool:
    return bool(configured) and estimate is not None and limit is not None and estimate > limit


def dose_check_row(d: r.CtDoseCheck) -> dict[str, Any]:
    """One CT dose check (TID 10015) with what was configured and what was exceeded or acted upon."""
    alert_triggered = (_exceeds(d.dlp_alert_value_configured, d.accumulated_dlp_forward_estimate, d.dlp_alert_value)
                       or _exceeds(d.ctdivol_alert_value_configured, d.accumulated_ctdivol_forward_estimate,
                                   d.ctdivol_alert_value)
                       or bool(d.alert_reason_for_proceeding or d.alert_person_name))
    notification_triggered = (
        _exceeds(d.dlp_notification_value_configured, d.dlp_forward_estimate, d.dlp_notification_value)
        or _exceeds(d.ctdivol_notification_value_configured, d.ctdivol_forward_estimate, d.ctdivol_notification_value)
        or bool(d.notification_reason_for_proceeding or d.notification_person_name))
    return {
        "check": d, "alert_triggered": alert_triggered, "notification_triggered": notification_triggered,
        "alert_configured": bool(d.dlp_alert_value_configured or d.ctdivol_alert_value_configured),
        "notification_configured": bool(d.dlp_notification_value_configured
                                        or d.ctdivol_notification_value_configured),
    }


def ct_events(ct: Sequence[r.CtRadiationDose]) -> list[dict[str, Any]]:
    """CT events with their dose checks; ``alert``/``notification``: a check was exceeded or acted upon.

    ``ssde``: the event's size-specific dose estimate columns, by the same function that stored them
    at import (:func:`openrem.dose.derived.record_event_columns`).
    """
    rows = []
    for event in (e for c in ct for e in c.events):
        checks = [dose_check_row(d) for d in event.dose_check]
        rows.append({"event": event, "checks": checks, "scan": event.scanning_length or r.ScanningLength(),
                     "ssde": record_event_columns(event),
                     "alert": any(c["alert_triggered"] for c in checks),
                     "notification": any(c["notification_triggered"] for c in checks)})
    return rows


def ct_totals(ct: Sequence[r.CtRadiationDose]) -> dict[str, Any]:
    """Reported accumulated totals (events, DLP, effective dose) summed over the CT reports."""
    acc = [a for c in ct for a in c.accumulated]
    return {
        "events": _sum(a.total_number_of_irradiation_events for a in acc),
        "dlp": _sum(a.ct_dose_length_product_total for a in acc),
        "effective_dose": _sum(a.ct_effective_dose_total for a in acc),
    }
