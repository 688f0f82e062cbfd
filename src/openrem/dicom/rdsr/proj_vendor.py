"""Named vendor workarounds for projection X-ray dose reports (PS3.16 TID 10001 / TID 10003).

Each fix is a small function that checks whether its quirk is present, repairs the record and
calls ``ctx.fixed(NAME)`` when it fires, so the repair shows in ``DoseReport.vendor_fixes``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Protocol

from openrem.dicom import codes
from openrem.dicom.rdsr.proj_values import COUNT, LENGTH_MM, Warner, quantity
from openrem.dicom.records import Coded, Distances, ProjectionEvent
from openrem.dicom.srtree import ContentItem


class FixContext(Warner, Protocol):
    """The parse context as the fixes see it."""

    def fixed(self, name: str) -> None:
        """Record that the vendor workaround ``name`` was applied."""


# ------------------------------------------------------------------------- Philips Allura Xper


def fix_philips_xper_frames(item: ContentItem, event: ProjectionEvent, ctx: FixContext) -> ProjectionEvent:
    """Philips Allura Xper: private Number of Frames (99PHI-IXR-XPER 003) as Number of Pulses when absent."""
    source = event.source
    if source is None or source.number_of_pulses is not None:
        return event
    frames = quantity(item, codes.PHILIPS_NUMBER_OF_FRAMES, COUNT, ctx)
    if frames is None:
        return event
    ctx.fixed("philips_xper_frames")
    exposure_time = source.exposure_time
    if exposure_time is None and source.pulse_width:
        exposure_time = sum(source.pulse_width) / len(source.pulse_width) * frames
    return dataclasses.replace(event, source=dataclasses.replace(
        source, number_of_pulses=frames, exposure_time=exposure_time))


def fix_philips_allura_shutters(item: ContentItem, event: ProjectionEvent, ctx: FixContext) -> ProjectionEvent:
    """Philips Allura Xper: collimated field from the private Wedges and Shutters container.

    The shutter positions (99PHI-IXR-XPER 006..009) are distances from the beam axis at 1 m from
    the focal spot; scaled by the source to detector distance they give the field at the
    detector: height = (left + right) x SID / 1000, width = (top + bottom) x SID / 1000 (mm),
    area in m2. The shutters take precedence over the standard Collimated Field items, which
    these systems leave out (Allura Xper) or fill with zero or meaningless values (Azurion).
    """
    source, mech = event.source, event.mechanical
    if source is None:
        return event
    shutters = item.find(codes.PHILIPS_WEDGES_AND_SHUTTERS)
    sid = mech.distances.distance_source_to_detector if mech is not None and mech.distances else None
    if shutters is None or sid is None:
        return event
    sides = [quantity(shutters, c, LENGTH_MM, ctx) for c in (
        codes.PHILIPS_LEFT_SHUTTER, codes.PHILIPS_RIGHT_SHUTTER, codes.PHILIPS_TOP_SHUTTER,
        codes.PHILIPS_BOTTOM_SHUTTER)]
    if any(s is None for s in sides):
        return event
    left, right, top, bottom = (float(s or 0.0) for s in sides)
    height = (left + right) * sid / 1000.0
    width = (top + bottom) * sid / 1000.0
    ctx.fixed("philips_allura_shutters")
    return dataclasses.replace(event, source=dataclasses.replace(
        source, collimated_field_height=height, collimated_field_width=width,
        collimated_field_area=height * width / 1e6))


def fix_philips_table_height(item: ContentItem, event: ProjectionEvent, ctx: FixContext) -> ProjectionEvent:
    """Philips Allura Xper: private Table Height Position (99PHI-IXR-XPER 021) when 113753 is absent."""
    mech = event.mechanical
    if mech is None or (mech.distances is not None and mech.distances.table_height_position is not None):
        return event
    height = quantity(item, codes.PHILIPS_TABLE_HEIGHT_POSITION, LENGTH_MM, ctx)
    if height is None:
        return event
    ctx.fixed("philips_table_height")
    distances = dataclasses.replace(mech.distances or Distances(), table_height_position=height)
    return dataclasses.replace(event, mechanical=dataclasses.replace(mech, distances=distances))


def fix_philips_azurion_device_type(model: str, ctx: FixContext) -> bool:
    """Philips Azurion declares an Integrated device type; it is a fluoroscopy system (modality RF)."""
    if "azurion" not in model.lower():
        return False
    ctx.fixed("philips_azurion_device_type")
    return True


# ------------------------------------------------------------------------------ Siemens Artis

_SRDATA = re.compile(r'<(\w+)\s+SRData="([^"]*)"')
_POSITIONS = {
    "HF": Coded("F-10470", "SRT", "headfirst"),
    "FF": Coded("F-10480", "SRT", "feet-first"),
}
_RECUMBENT = Coded("F-10450", "SRT", "recumbent")
_LYING = {"S": Coded("F-10340", "SRT", "supine"), "P": Coded("F-10310", "SRT", "prone")}


def siemens_xml(comment: str | None) -> dict[str, str]:
    """The ``<Name SRData="value"/>`` pairs of a Siemens Artis XML comment (first value of each name)."""
    found: dict[str, str] = {}
    for name, value in _SRDATA.findall(comment or ""):
        found.setdefault(name, value.strip())
    return found


def fix_siemens_artis_ii_size(event: ProjectionEvent, ctx: FixContext) -> ProjectionEvent:
    """Siemens Artis: image intensifier diameter (``iiDiameter``, mm) from the event's XML comment."""
    source = event.source
    if source is None or source.ii_field_size is not None or not (event.comment or "").startswith("<"):
        return event
    value = siemens_xml(event.comment).get("iiDiameter")
    try:
        size = float(value) if value else None
    except ValueError:
        size = None
    if size is None:
        return event
    ctx.fixed("siemens_artis_ii_field_size")
    return dataclasses.replace(event, source=dataclasses.replace(source, ii_field_size=size))


def siemens_patient_position(root_comment: str | None) -> tuple[Coded, Coded, Coded] | None:
    """Table relationship, orientation and modifier from ``<Position SRData="HFS"/>`` of the report comment."""
    position = siemens_xml(root_comment).get("Position", "").upper()
    if len(position) != 3 or position[:2] not in _POSITIONS or position[2] not in _LYING:
        return None
    return _POSITIONS[position[:2]], _RECUMBENT, _LYING[position[2]]


def fix_siemens_artis_patient_position(
    event: ProjectionEvent, position: tuple[Coded, Coded, Coded] | None, ctx: FixContext,
) -> ProjectionEvent:
    """Siemens Artis: patient position of the report's XML comment for events that give none."""
    if position is None or event.patient_table_relationship_cid is not None:
        return event
    ctx.fixed("siemens_artis_patient_position")
    return dataclasses.replace(event, patient_table_relationship_cid=position[0],
                               patient_orientation_cid=event.patient_orientation_cid or position[1],
                               patient_orientation_modifier_cid=event.patient_orientation_modifier_cid or position[2])


# ------------------------------------------------------------------------------------ generic


def fix_has_intent_outside_procedure(root: ContentItem, ctx: FixContext) -> Coded | None:
    """Has Intent sent as a sibling of Procedure Reported (Canon Alphenix) instead of its modifier."""
    intent = root.coded(codes.HAS_INTENT)
    if intent is not None:
        ctx.fixed("has_intent_outside_procedure_reported")
    return intent


def apply_event_fixes(
    item: ContentItem, event: ProjectionEvent, position: tuple[Coded, Coded, Coded] | None, ctx: FixContext,
) -> ProjectionEvent:
    """Run every event-level fix on one event (each fix checks whether its quirk is present)."""
    event = fix_philips_xper_frames(item, event, ctx)
    event = fix_philips_allura_shutters(item, event, ctx)
    event = fix_philips_table_height(item, event, ctx)
    event = fix_siemens_artis_ii_size(event, ctx)
    return fix_siemens_artis_patient_position(event, position, ctx)

