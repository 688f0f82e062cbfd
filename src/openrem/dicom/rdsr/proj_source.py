"""X-ray source data of one irradiation event: PS3.16 TID 10003b Irradiation Event X-Ray Source Data.

Per-pulse values (KVP, X-Ray Tube Current, Pulse Width, Exposure) may be repeated, one per pulse;
they are kept as lists, every value in order, whether sent as one NUM item per pulse or as one NUM
item with many values (DS, VM > 1). Derived values follow OpenREM's rules: the exposure time of an
event is the mean non-zero pulse width times the number of pulses when not sent, and the average
tube current is the mean of the non-zero per-pulse currents when not sent.
"""

from __future__ import annotations

from openrem.dicom import codes
from openrem.dicom.quantity import mean_nonzero
from openrem.dicom.rdsr.proj_values import (
    AREA_M2,
    COUNT,
    CURRENT_MA,
    DOSE_GY,
    DOSE_MGY,
    EXPOSURE_UAS,
    KV,
    LENGTH_MM,
    RATE_PER_S,
    TIME_MS,
    TIME_S,
    Warner,
    quantities,
    quantity,
)
from openrem.dicom.records import XrayFilter, XraySource
from openrem.dicom.srtree import ContentItem


def read_filters(event: ContentItem, ctx: Warner) -> tuple[XrayFilter, ...]:
    """X-Ray Filters containers (113771): type (CID 10007), material (CID 10006), thickness range."""
    return tuple(
        XrayFilter(
            type=f.coded(codes.XRAY_FILTER_TYPE),
            material=f.coded(codes.XRAY_FILTER_MATERIAL),
            thickness_min=quantity(f, codes.XRAY_FILTER_THICKNESS_MIN, LENGTH_MM, ctx),
            thickness_max=quantity(f, codes.XRAY_FILTER_THICKNESS_MAX, LENGTH_MM, ctx),
        )
        for f in event.find_all(codes.XRAY_FILTERS)
    )


def derived_exposure_time(pulse_width: tuple[float, ...], pulses: float | None) -> float | None:
    """Exposure time (ms) = mean non-zero pulse width (ms) x number of pulses, when both are known."""
    width = mean_nonzero(pulse_width)
    if width is None or pulses is None:
        return None
    return width * pulses


def read_source(event: ContentItem, ctx: Warner) -> XraySource:
    """TID 10003b rows of one Irradiation Event X-Ray Data container.

    Parameters
    ----------
    event
        The Irradiation Event X-Ray Data container (113706).
    ctx
        Collects warnings (missing values, unexpected units).
    """
    kvp = quantities(event, codes.KVP, KV, ctx)
    current = quantities(event, codes.XRAY_TUBE_CURRENT, CURRENT_MA, ctx)
    pulse_width = quantities(event, codes.PULSE_WIDTH, TIME_MS, ctx)
    pulses = quantity(event, codes.NUMBER_OF_PULSES, COUNT, ctx)
    exposure_time = quantity(event, codes.PROJECTION_EXPOSURE_TIME, TIME_MS, ctx)
    if exposure_time is None:
        exposure_time = derived_exposure_time(pulse_width, pulses)
    average_current = quantity(event, codes.AVERAGE_XRAY_TUBE_CURRENT, CURRENT_MA, ctx)
    if average_current is None and current:
        average_current = mean_nonzero(current)
    rp = event.find(codes.REFERENCE_POINT_DEFINITION)
    derivation = event.find(codes.DERIVATION)
    return XraySource(
        dose_rp=quantity(event, codes.DOSE_RP, DOSE_GY, ctx),
        dose_rp_reference_point_definition=rp.as_text() if rp is not None else None,
        average_glandular_dose=quantity(event, codes.AVERAGE_GLANDULAR_DOSE, DOSE_MGY, ctx),
        fluoro_mode=event.coded(codes.FLUORO_MODE),
        pulse_rate=quantity(event, codes.PULSE_RATE, RATE_PER_S, ctx),
        number_of_pulses=pulses,
        derivation=derivation.as_text() if derivation is not None else None,
        irradiation_duration=quantity(event, codes.IRRADIATION_DURATION, TIME_S, ctx),
        average_xray_tube_current=average_current,
        exposure_time=exposure_time,
        focal_spot_size=quantity(event, codes.FOCAL_SPOT_SIZE, LENGTH_MM, ctx),
        anode_target_material=event.coded(codes.ANODE_TARGET_MATERIAL),
        collimated_field_area=quantity(event, codes.COLLIMATED_FIELD_AREA, AREA_M2, ctx),
        collimated_field_height=quantity(event, codes.COLLIMATED_FIELD_HEIGHT, LENGTH_MM, ctx),
        collimated_field_width=quantity(event, codes.COLLIMATED_FIELD_WIDTH, LENGTH_MM, ctx),
        kvp=kvp,
        xray_tube_current=current,
        exposure_uAs=quantities(event, codes.EXPOSURE, EXPOSURE_UAS, ctx),
        pulse_width=pulse_width,
        filters=read_filters(event, ctx),
        grids=tuple(c for g in event.find_all(codes.XRAY_GRID) if (c := g.as_coded()) is not None),
    )
