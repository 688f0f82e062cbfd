"""Study summary columns computed from the dose trees (pure functions over records).

CT counts use the CT acquisition type codes (CID 10013); plane A/B use the acquisition plane codes
(CID 10003); mammography totals use the breast laterality codes. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openrem.dicom import codes
from openrem.dicom import records as r


def _is(coded: r.Coded | None, concept: codes.Concept) -> bool:
    return coded is not None and concept.matches(coded.value, coded.scheme)


def _sum(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def ct_summary(ct: tuple[r.CtRadiationDose, ...]) -> dict[str, Any]:
    """Event counts by acquisition type and total DLP (TID 10012, else the sum of event DLPs)."""
    events = [e for c in ct for e in c.events]
    types = [e.ct_acquisition_type for e in events]
    totals = [a.ct_dose_length_product_total for c in ct for a in c.accumulated]
    total_dlp = _sum(totals) if any(t is not None for t in totals) else _sum(e.dlp for e in events)
    return {
        "number_of_events": len(events),
        "number_of_axial": sum(_is(t, codes.SEQUENCED_ACQUISITION) for t in types),
        "number_of_spiral": sum(_is(t, codes.SPIRAL_ACQUISITION) for t in types),
        "number_of_stationary": sum(_is(t, codes.STATIONARY_ACQUISITION) for t in types),
        "number_of_const_angle": sum(_is(t, codes.CONSTANT_ANGLE_ACQUISITION) for t in types),
        "total_dlp": total_dlp,
    }


def _plane_totals(acc: r.AccumulatedXrayDose) -> tuple[float | None, float | None]:
    """DAP and dose at RP of one plane: the totals of TID 10007, else of TID 10004, else (a report
    that leaves the total out) the sum of its fluoroscopy and acquisition totals."""
    integrated, proj = acc.accum_integrated, acc.accum_proj
    dap = integrated.dose_area_product_total if integrated else None
    rp = integrated.dose_rp_total if integrated else None
    if proj is not None:
        if dap is None:
            dap = proj.dose_area_product_total
        if dap is None:
            dap = _sum([proj.fluoro_dose_area_product_total, proj.acquisition_dose_area_product_total])
        if rp is None:
            rp = proj.dose_rp_total
        if rp is None:
            rp = _sum([proj.fluoro_dose_rp_total, proj.acquisition_dose_rp_total])
    return dap, rp


def _planes_in_order(accumulated: list[r.AccumulatedXrayDose]) -> list[r.AccumulatedXrayDose]:
    """The accumulated data per plane, plane A first (CID 10003: Plane A or Single Plane, else the
    first without a plane code), then Plane B. An All Planes container is a total over the planes:
    it stands for them only when no container of a single plane is sent."""
    def rank(acc: r.AccumulatedXrayDose) -> int:
        if _is(acc.acquisition_plane, codes.PLANE_B):
            return 1
        return 2 if _is(acc.acquisition_plane, codes.PLANE_UNDEFINED) else 0

    per_plane = sorted((a for a in accumulated if rank(a) < 2), key=rank)  # stable: sent order otherwise
    return per_plane or [a for a in accumulated if rank(a) == 2][:1]


def projection_summary(proj: tuple[r.ProjectionXRayDose, ...]) -> dict[str, Any]:
    """Event counts and DAP / dose at RP per plane (by their plane codes, :func:`_planes_in_order`),
    AGD per breast."""
    events = [e for p in proj for e in p.events]
    accumulated = [a for p in proj for a in p.accumulated]
    out: dict[str, Any] = {"number_of_events": len(events)}
    mammo = [m for a in accumulated for m in a.accum_mammography]
    is_mammo = any(_is(p.procedure_reported, codes.MAMMOGRAPHY) for p in proj) or bool(mammo)
    if is_mammo:
        for key, breast, side in (("total_agd_left", codes.LEFT_BREAST, codes.LEFT),
                                  ("total_agd_right", codes.RIGHT_BREAST, codes.RIGHT),
                                  ("total_agd_both", codes.BOTH_BREASTS, codes.RIGHT_AND_LEFT)):
            # the breast (CID 6022), or the side (CID 244) some systems send in its place
            out[key] = _sum(m.accumulated_average_glandular_dose for m in mammo
                            if _is(m.laterality, breast) or _is(m.laterality, side))
        return out
    planes = _planes_in_order(accumulated)
    out["number_of_planes"] = len(planes)
    out["number_of_events_a"] = sum(
        _is(e.acquisition_plane, codes.PLANE_A) or _is(e.acquisition_plane, codes.SINGLE_PLANE)
        or _is(e.acquisition_plane, codes.PLANE_UNDEFINED) for e in events)
    b_events = sum(_is(e.acquisition_plane, codes.PLANE_B) for e in events)
    if planes:
        out["total_dap_a"], out["total_rp_dose_a"] = _plane_totals(planes[0])
    if len(planes) > 1:
        out["number_of_events_b"] = b_events
        out["total_dap_b"], out["total_rp_dose_b"] = _plane_totals(planes[1])
    out["total_dap"] = _sum([out.get("total_dap_a"), out.get("total_dap_b")])
    return out


def radiopharmaceutical_summary(nm: tuple[r.RadiopharmaceuticalDose, ...]) -> dict[str, Any]:
    """Total administered activity (MBq)."""
    return {
        "number_of_events": 0,
        "total_administered_activity": _sum(a.administered_activity for n in nm for a in n.administrations),
    }


SUMMARY_FIELDS = (
    "number_of_events", "number_of_events_a", "number_of_events_b", "number_of_planes", "number_of_axial",
    "number_of_spiral", "number_of_stationary", "number_of_const_angle", "total_dlp", "total_dap",
    "total_dap_a", "total_dap_b", "total_rp_dose_a", "total_rp_dose_b", "total_agd_left", "total_agd_right",
    "total_agd_both", "total_administered_activity",
)


def summarise(ct: tuple[r.CtRadiationDose, ...], proj: tuple[r.ProjectionXRayDose, ...],
              nm: tuple[r.RadiopharmaceuticalDose, ...]) -> dict[str, Any]:
    """All summary columns for a study holding these trees (absent ones are None)."""
    out: dict[str, Any] = dict.fromkeys(SUMMARY_FIELDS)
    if nm:
        out.update(radiopharmaceutical_summary(nm))
    if proj:
        out.update(projection_summary(proj))
    if ct:
        out.update(ct_summary(ct))
    return out
