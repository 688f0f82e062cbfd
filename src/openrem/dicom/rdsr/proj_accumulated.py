"""Accumulated dose of a projection X-ray report, one record per acquisition plane.

PS3.16 TID 10002 Accumulated X-Ray Dose, with TID 10004 (accumulated fluoroscopy and acquisition
projection dose), TID 10005 (accumulated mammography dose per laterality), TID 10006 (cassette-based
projection radiography) and TID 10007 (accumulated total projection radiography dose).
"""

from __future__ import annotations

from openrem.dicom import codes
from openrem.dicom.rdsr.proj_values import (
    DAP_GY_M2,
    DOSE_GY,
    DOSE_MGY,
    TIME_S,
    Warner,
    convert,
    count,
    quantity,
)
from openrem.dicom.records import (
    AccumCassette,
    AccumIntegrated,
    AccumMammography,
    AccumProjection,
    AccumulatedXrayDose,
    Coded,
)
from openrem.dicom.srtree import ContentItem

# TID 10004 rows: their presence makes the fluoroscopy/acquisition record.
_TID_10004 = (
    codes.FLUORO_DOSE_AREA_PRODUCT_TOTAL, codes.FLUORO_DOSE_RP_TOTAL, codes.TOTAL_FLUORO_TIME,
    codes.ACQUISITION_DOSE_AREA_PRODUCT_TOTAL, codes.ACQUISITION_DOSE_RP_TOTAL, codes.TOTAL_ACQUISITION_TIME,
)
# TID 10007 rows.
_TID_10007 = (codes.DOSE_AREA_PRODUCT_TOTAL, codes.DOSE_RP_TOTAL, codes.TOTAL_NUMBER_OF_RADIOGRAPHIC_FRAMES)


def reference_point(item: ContentItem) -> tuple[str | None, Coded | None]:
    """Reference Point Definition (113780) as (text, code): TEXT in older editions, CODE (CID 10025) now."""
    rp = item.find(codes.REFERENCE_POINT_DEFINITION)
    if rp is None:
        return None, None
    if rp.value_type == "CODE":
        return None, rp.as_coded()
    return rp.as_text(), None


def _mammography(container: ContentItem, ctx: Warner) -> tuple[AccumMammography, ...]:
    """TID 10005: one Accumulated Average Glandular Dose per laterality (modifier G-C171)."""
    rows = []
    for item in container.find_all(codes.ACCUMULATED_AVERAGE_GLANDULAR_DOSE):
        laterality = item.coded(codes.LATERALITY)
        if laterality is None:
            ctx.warn("Accumulated Average Glandular Dose without laterality")
        rows.append(AccumMammography(laterality=laterality, accumulated_average_glandular_dose=convert(
            item, DOSE_MGY, ctx)))
    return tuple(rows)


def _projection(container: ContentItem, ctx: Warner) -> AccumProjection:
    """TID 10004 Accumulated Fluoroscopy and Acquisition Projection X-Ray Dose."""
    rp_text, rp_code = reference_point(container)
    return AccumProjection(
        fluoro_dose_area_product_total=quantity(container, codes.FLUORO_DOSE_AREA_PRODUCT_TOTAL, DAP_GY_M2, ctx),
        fluoro_dose_rp_total=quantity(container, codes.FLUORO_DOSE_RP_TOTAL, DOSE_GY, ctx),
        total_fluoro_time=quantity(container, codes.TOTAL_FLUORO_TIME, TIME_S, ctx),
        acquisition_dose_area_product_total=quantity(
            container, codes.ACQUISITION_DOSE_AREA_PRODUCT_TOTAL, DAP_GY_M2, ctx),
        acquisition_dose_rp_total=quantity(container, codes.ACQUISITION_DOSE_RP_TOTAL, DOSE_GY, ctx),
        total_acquisition_time=quantity(container, codes.TOTAL_ACQUISITION_TIME, TIME_S, ctx),
        dose_area_product_total=quantity(container, codes.DOSE_AREA_PRODUCT_TOTAL, DAP_GY_M2, ctx),
        dose_rp_total=quantity(container, codes.DOSE_RP_TOTAL, DOSE_GY, ctx),
        total_number_of_radiographic_frames=count(container, codes.TOTAL_NUMBER_OF_RADIOGRAPHIC_FRAMES, ctx),
        reference_point_definition=rp_text,
        reference_point_definition_code=rp_code,
    )


def _integrated(container: ContentItem, ctx: Warner) -> AccumIntegrated:
    """TID 10007 Accumulated Total Projection Radiography Dose."""
    rp_text, rp_code = reference_point(container)
    return AccumIntegrated(
        dose_area_product_total=quantity(container, codes.DOSE_AREA_PRODUCT_TOTAL, DAP_GY_M2, ctx),
        dose_rp_total=quantity(container, codes.DOSE_RP_TOTAL, DOSE_GY, ctx),
        total_number_of_radiographic_frames=count(container, codes.TOTAL_NUMBER_OF_RADIOGRAPHIC_FRAMES, ctx),
        reference_point_definition=rp_text,
        reference_point_definition_code=rp_code,
    )


def read_accumulated(container: ContentItem, device_type: Coded | None, ctx: Warner) -> AccumulatedXrayDose:
    """One TID 10002 container (113702): the plane and whichever sub-templates it carries.

    Parameters
    ----------
    container
        The Accumulated X-Ray Dose Data container.
    device_type
        Acquisition Device Type of the report (CID 10032); cassette-based systems get TID 10006.
    ctx
        Collects warnings.
    """
    plane = container.coded(codes.ACQUISITION_PLANE)
    if plane is None:
        ctx.warn("Accumulated X-Ray Dose Data without Acquisition Plane")
    has = {id(c) for c in (*_TID_10004, *_TID_10007) if container.find(c) is not None}
    accum_proj = _projection(container, ctx) if any(id(c) in has for c in _TID_10004) else None
    accum_integrated = _integrated(container, ctx) if any(id(c) in has for c in _TID_10007) else None
    accum_cassette = None
    if device_type is not None and codes.CASSETTE_BASED.matches(device_type.value, device_type.scheme):
        accum_cassette = AccumCassette(
            total_number_of_radiographic_frames=count(container, codes.TOTAL_NUMBER_OF_RADIOGRAPHIC_FRAMES, ctx))
    return AccumulatedXrayDose(
        acquisition_plane=plane,
        accum_proj=accum_proj,
        accum_integrated=accum_integrated,
        accum_cassette=accum_cassette,
        accum_mammography=_mammography(container, ctx),
    )
