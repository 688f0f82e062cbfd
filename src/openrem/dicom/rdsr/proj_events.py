"""Irradiation events of a projection X-ray report: PS3.16 TID 10003 Irradiation Event X-Ray Data.

With TID 10003a (detector data), TID 10003b (source data, see :mod:`.proj_source`), TID 10003c
(mechanical data) and the dose related distance measurements of CID 10008.
"""

from __future__ import annotations

from openrem.dicom import codes
from openrem.dicom.rdsr.moments import read_datetime
from openrem.dicom.rdsr.proj_source import read_source
from openrem.dicom.rdsr.proj_values import (
    ANGLE_DEG,
    AREA_MM2,
    DAP_GY_M2,
    DOSE_MGY,
    FORCE_N,
    INDEX,
    LENGTH_MM,
    PRESSURE_KPA,
    Warner,
    quantity,
)
from openrem.dicom.records import Coded, Detector, Distances, Mechanical, ProjectionEvent
from openrem.dicom.srtree import ContentItem


def read_distances(event: ContentItem, ctx: Warner) -> Distances:
    """CID 10008 Dose Related Distance Measurements (all in mm)."""

    def mm(concept: codes.Concept) -> float | None:
        return quantity(event, concept, LENGTH_MM, ctx)

    return Distances(
        distance_source_to_isocenter=mm(codes.DISTANCE_SOURCE_TO_ISOCENTER),
        distance_source_to_reference_point=mm(codes.DISTANCE_SOURCE_TO_REFERENCE_POINT),
        distance_source_to_detector=mm(codes.DISTANCE_SOURCE_TO_DETECTOR),
        distance_source_to_table_plane=mm(codes.DISTANCE_SOURCE_TO_TABLE_PLANE),
        table_longitudinal_position=mm(codes.TABLE_LONGITUDINAL_POSITION),
        table_lateral_position=mm(codes.TABLE_LATERAL_POSITION),
        table_height_position=mm(codes.TABLE_HEIGHT_POSITION),
        table_longitudinal_end_position=mm(codes.TABLE_LONGITUDINAL_END_POSITION),
        table_lateral_end_position=mm(codes.TABLE_LATERAL_END_POSITION),
        table_height_end_position=mm(codes.TABLE_HEIGHT_END_POSITION),
    )


def read_mechanical(event: ContentItem, ctx: Warner) -> Mechanical:
    """TID 10003c Irradiation Event X-Ray Mechanical Data (angles in degrees, thickness in mm;
    compression force in N, pressure in kPa and contact area in mm2, as a mammography report sends
    them)."""

    def deg(concept: codes.Concept) -> float | None:
        return quantity(event, concept, ANGLE_DEG, ctx)

    return Mechanical(
        crdr_mechanical_configuration=event.coded(codes.CRDR_MECHANICAL_CONFIGURATION),
        positioner_primary_angle=deg(codes.POSITIONER_PRIMARY_ANGLE),
        positioner_secondary_angle=deg(codes.POSITIONER_SECONDARY_ANGLE),
        positioner_primary_end_angle=deg(codes.POSITIONER_PRIMARY_END_ANGLE),
        positioner_secondary_end_angle=deg(codes.POSITIONER_SECONDARY_END_ANGLE),
        column_angulation=deg(codes.COLUMN_ANGULATION),
        table_head_tilt_angle=deg(codes.TABLE_HEAD_TILT_ANGLE),
        table_horizontal_rotation_angle=deg(codes.TABLE_HORIZONTAL_ROTATION_ANGLE),
        table_cradle_tilt_angle=deg(codes.TABLE_CRADLE_TILT_ANGLE),
        compression_thickness=quantity(event, codes.COMPRESSION_THICKNESS, LENGTH_MM, ctx),
        compression_force=quantity(event, codes.COMPRESSION_FORCE, FORCE_N, ctx),
        compression_pressure=quantity(event, codes.COMPRESSION_PRESSURE, PRESSURE_KPA, ctx),
        compression_contact_area=quantity(event, codes.COMPRESSION_CONTACT_AREA, AREA_MM2, ctx),
        distances=read_distances(event, ctx),
    )


def read_detector(event: ContentItem, ctx: Warner) -> Detector:
    """TID 10003a Irradiation Event X-Ray Detector Data: exposure index, target EI, deviation index."""
    return Detector(
        exposure_index=quantity(event, codes.EXPOSURE_INDEX, INDEX, ctx),
        target_exposure_index=quantity(event, codes.TARGET_EXPOSURE_INDEX, INDEX, ctx),
        deviation_index=quantity(event, codes.DEVIATION_INDEX, INDEX, ctx),
    )


def _image_view_modifiers(event: ContentItem) -> tuple[Coded | None, ...]:
    """Image View Modifiers (111032, CID 4015) of the Image View; one empty row when a view has none.

    OpenREM has always stored one modifier row per image view, empty when the view had no modifier.
    """
    view = event.find(codes.IMAGE_VIEW)
    if view is None:
        return ()
    modifiers = [m.as_coded() for m in view.find_all(codes.IMAGE_VIEW_MODIFIER)]
    modifiers += [m.as_coded() for m in event.find_all(codes.IMAGE_VIEW_MODIFIER)]
    return tuple(modifiers) or (None,)


def _laterality(event: ContentItem) -> Coded | None:
    """Laterality: a modifier of the Anatomical Structure (TID 10003), a row of its own, or else the
    Laterality modifier of the Target Region."""
    anatomy = event.find(codes.ANATOMICAL_STRUCTURE)
    if anatomy is not None and (lat := anatomy.coded(codes.LATERALITY)) is not None:
        return lat
    return event.coded(codes.LATERALITY) or target_region_laterality(event)


def target_region_laterality(event: ContentItem) -> Coded | None:
    """The Laterality concept modifier (HAS CONCEPT MOD) of the event's Target Region, if any."""
    region = event.find(codes.TARGET_REGION)
    return region.modifier(codes.LATERALITY) if region is not None else None


def _orientation_modifier(event: ContentItem) -> Coded | None:
    """Patient Orientation Modifier: a child of Patient Orientation, or (some vendors) a sibling."""
    orientation = event.find(codes.PATIENT_ORIENTATION)
    if orientation is not None and (mod := orientation.coded(codes.PATIENT_ORIENTATION_MODIFIER)) is not None:
        return mod
    return event.coded(codes.PATIENT_ORIENTATION_MODIFIER)


def read_event(event: ContentItem, ctx: Warner) -> ProjectionEvent | None:
    """One TID 10003 container; None (with a warning) when it has no Irradiation Event UID."""
    uid = event.txt(codes.IRRADIATION_EVENT_UID)
    if not uid:
        ctx.warn("Irradiation Event X-Ray Data without Irradiation Event UID: event skipped")
        return None
    rp = event.find(codes.REFERENCE_POINT_DEFINITION)
    return ProjectionEvent(
        irradiation_event_uid=uid,
        acquisition_plane=event.coded(codes.ACQUISITION_PLANE),
        irradiation_event_type=event.coded(codes.IRRADIATION_EVENT_TYPE),
        acquisition_protocol=event.txt(codes.ACQUISITION_PROTOCOL),
        date_time_started=read_datetime(ctx, event, codes.DATETIME_STARTED),
        anatomical_structure=event.coded(codes.ANATOMICAL_STRUCTURE),
        laterality=_laterality(event),
        image_view=event.coded(codes.IMAGE_VIEW),
        image_view_modifiers=_image_view_modifiers(event),
        projection_eponymous_name=event.coded(codes.PROJECTION_EPONYMOUS_NAME),
        target_region=event.coded(codes.TARGET_REGION),
        target_region_laterality=target_region_laterality(event),
        patient_table_relationship_cid=event.coded(codes.PATIENT_TABLE_RELATIONSHIP),
        patient_orientation_cid=event.coded(codes.PATIENT_ORIENTATION),
        patient_orientation_modifier_cid=_orientation_modifier(event),
        dose_area_product=quantity(event, codes.DOSE_AREA_PRODUCT, DAP_GY_M2, ctx),
        half_value_layer=quantity(event, codes.HALF_VALUE_LAYER, LENGTH_MM, ctx),
        patient_equivalent_thickness=quantity(event, codes.PATIENT_EQUIVALENT_THICKNESS, LENGTH_MM, ctx),
        entrance_exposure_at_rp=quantity(event, codes.ENTRANCE_EXPOSURE_AT_RP, DOSE_MGY, ctx),
        reference_point_definition=rp.as_text() if rp is not None else None,
        irradiation_event_label=event.txt(codes.IRRADIATION_EVENT_LABEL),
        comment=event.txt(codes.COMMENT),
        source=read_source(event, ctx),
        mechanical=read_mechanical(event, ctx),
        detector=read_detector(event, ctx),
    )
